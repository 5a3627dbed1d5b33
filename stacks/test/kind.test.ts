/**
 * The kind tooling's wiring, without a cluster: the hosted-runner workflow runs the commands of
 * docs/kubernetes.md in their order, the scripts, package.json, the cluster config and versions.json
 * agree, and kind:up refuses bad input with one line before creating anything. The commands
 * themselves run for real in stacks/test/kind.deploy.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { STACK_NAMES } from '../../stacks/app';
import versions from '../../versions.json';
import { shCommands } from '../../test-support/commands';

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const workflow = load(read('.github/workflows/kind-smoke.yml')) as { jobs: Record<string, { steps: { run?: string }[] }> };
const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? '')).join('\n');

describe('kind tooling', () => {
  it('scripts/kind-smoke.sh is valid bash and executable', () => {
    accessSync(join(root, 'scripts/kind-smoke.sh'), constants.X_OK);
    execFileSync('bash', ['-n', join(root, 'scripts/kind-smoke.sh')]);
  });

  it('runs, in the workflow, the commands docs/kubernetes.md gives, in their order', () => {
    const docs = shCommands(join(root, 'docs', 'kubernetes.md'));
    const documented = ['npm run kind:up', 'npm run status -- k8s-jdbc', 'bash scripts/kind-smoke.sh', 'npm run kind:down'];
    for (const command of documented) expect(docs).toContain(command);
    const called = runs.split('\n').map((l) => l.trim()).filter((l) => documented.includes(l));
    expect(called).toEqual(documented);
  });

  it('reads only versions.json keys that exist', () => {
    const keys = runs.match(/for key in ([\w ]+); do/)![1].trim().split(/\s+/);
    for (const key of keys) expect({ key, present: typeof (versions as Record<string, unknown>)[key] === 'string' }).toEqual({ key, present: true });
  });

  it('agrees with the cluster config and package.json', () => {
    const cluster = load(read('deploy/kind/cluster.yaml')) as { name: string; kind: string; nodes: { extraMounts: { hostPath: string }[] }[] };
    expect(cluster.kind).toBe('Cluster');
    expect(cluster.name).toBe('leaderboard');
    for (const mount of cluster.nodes.flatMap((n) => n.extraMounts)) accessSync(join(root, mount.hostPath));
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['kind:up']).toBe('bash scripts/cli/run.sh kind-up');
    expect(pkg.scripts['kind:down']).toBe('bash scripts/cli/run.sh kind-down');
  });

  it('prints the namespace, every project image and the third-party images for kind:up and kind-smoke.sh', () => {
    const plan = execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/kind-plan.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, LEADERBOARD_CONFIG: '' } });
    const lines = plan.trim().split('\n').map((l) => l.split(' '));
    expect(lines.filter((l) => l[0] === 'namespace')).toEqual([['namespace', 'leaderboard']]);
    expect(lines.filter((l) => l[0] === 'image').map((l) => l[1])).toEqual([
      'leaderboard-stack/flink:0.1.0',
      'leaderboard-stack/injector:0.1.0',
      'leaderboard-stack/dashboard:0.1.0',
      'leaderboard-stack/schema-registry:0.1.0',
    ]);
    // Loaded into the node when present locally: the offline stand-ins, the operator's among them.
    expect(lines.filter((l) => l[0] === 'thirdparty').map((l) => l[1])).toEqual([
      versions.images.kafka,
      versions.images.postgres,
      versions.images.flinkOperator,
    ]);
  });

  it('refuses an unknown stack with the list of kind stacks, exit status 2', () => {
    const run = spawnSync('npm', ['run', '--silent', 'kind:up', '--', 'docker-jdbc'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`unknown stack 'docker-jdbc'; stacks: ${STACK_NAMES.filter((s) => s.startsWith('k8s-')).join(', ')}`);
  });
});
