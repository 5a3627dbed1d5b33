/**
 * Every stack, synthesized, passes `tofu validate` against the real provider binaries (built from the
 * Go module proxy at the commits it serves, within the constraints of versions.json), so attribute
 * names, types and blocks are checked by the providers' own schemas rather than by our reading of them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWith } from '../../test-support/prerequisites';
import { tofuCheck, validateStack } from '../../test-support/tofu';
import { buildApp, STACK_NAMES } from '../app';

// init copies four provider binaries per stack; validate starts each provider to read its schema.
const PER_STACK_TIMEOUT_MS = 300_000;

describeWith([tofuCheck])('tofu validate with the real providers', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'leaderboard-tofu-'));
    buildApp({ outdir }).synth();
  });

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it.each([...STACK_NAMES])(
    '%s is valid',
    (name) => {
      const result = validateStack(join(outdir, 'stacks', name));
      expect(result).toMatchObject({ valid: true, error_count: 0 });
    },
    PER_STACK_TIMEOUT_MS,
  );

  it(
    'rejects an argument the docker provider does not define',
    () => {
      const broken = join(outdir, 'broken-docker-jdbc');
      cpSync(join(outdir, 'stacks', 'docker-jdbc'), broken, { recursive: true });
      const file = join(broken, 'cdk.tf.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as {
        resource: Record<string, Record<string, Record<string, unknown>>>;
      };
      const containers = config.resource.docker_container;
      const first = Object.keys(containers)[0];
      containers[first].not_a_docker_argument = true;
      writeFileSync(file, JSON.stringify(config));

      expect(() => validateStack(broken)).toThrow(/Extraneous JSON object property[\s\S]*not_a_docker_argument/);
    },
    PER_STACK_TIMEOUT_MS,
  );
});
