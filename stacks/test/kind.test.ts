/**
 * The kind tooling cannot run here (no cluster); these checks keep the workflow, the scripts, the
 * cluster config, package.json and versions.json consistent with each other.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { STACK_NAMES } from '../../stacks/app';
import versions from '../../versions.json';

const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const workflow = load(read('.github/workflows/kind-smoke.yml')) as { jobs: Record<string, { steps: { run?: string }[] }> };
const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.run ?? '')).join('\n');
const scripts = ['scripts/kind-up.sh', 'scripts/kind-smoke.sh', 'scripts/kind-down.sh'];

describe('kind tooling', () => {
  it.each(scripts)('%s is valid bash and executable', (script) => {
    accessSync(join(root, script), constants.X_OK);
    execFileSync('bash', ['-n', join(root, script)]);
  });

  it('runs, in the workflow, the scripts that exist, up before smoke before down', () => {
    const called = [...runs.matchAll(/bash (scripts\/[\w-]+\.sh)/g)].map((m) => m[1]);
    expect(called).toEqual(scripts);
    expect(runs).toMatch(/kind-up\.sh k8s-jdbc/);
  });

  it('reads only versions.json keys that exist', () => {
    const versions = JSON.parse(read('versions.json')) as Record<string, unknown>;
    const keys = runs.match(/for key in ([\w ]+); do/)![1].trim().split(/\s+/);
    for (const key of keys) expect({ key, present: typeof versions[key] === 'string' }).toEqual({ key, present: true });
  });

  it('agrees with the cluster config, package.json and the stack list', () => {
    const cluster = load(read('deploy/kind/cluster.yaml')) as { name: string; kind: string };
    expect(cluster.kind).toBe('Cluster');
    for (const script of ['scripts/kind-up.sh', 'scripts/kind-down.sh']) {
      expect(read(script)).toContain(`cluster="\${KIND_CLUSTER:-${cluster.name}}"`);
    }
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['kind:up']).toBe('bash scripts/kind-up.sh');
    expect(pkg.scripts['kind:down']).toBe('bash scripts/kind-down.sh');
    const upStacks = read('scripts/kind-up.sh').match(/^ {2}(k8s-[\w|-]+)\) ;;$/m)![1].split('|');
    expect(upStacks).toEqual(STACK_NAMES.filter((s) => s.startsWith('k8s-')));
  });

  it('prints the namespace, every project image and the third-party images for kind-up.sh', () => {
    const plan = execFileSync('npx', ['ts-node', '--transpile-only', 'scripts/kind-plan.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, LEADERBOARD_CONFIG: '' } });
    const lines = plan.trim().split('\n').map((l) => l.split(' '));
    expect(lines.filter((l) => l[0] === 'namespace')).toEqual([['namespace', 'leaderboard']]);
    expect(lines.filter((l) => l[0] === 'image').map((l) => l[1])).toEqual([
      'leaderboard-stack/flink:0.1.0',
      'leaderboard-stack/injector:0.1.0',
      'leaderboard-stack/dashboard:0.1.0',
    ]);
    // Loaded into the node when present locally: the offline stand-ins, the operator's among them.
    expect(lines.filter((l) => l[0] === 'thirdparty').map((l) => l[1])).toEqual([
      versions.images.kafka,
      versions.images.postgres,
      versions.images.flinkOperator,
    ]);
  });
});
