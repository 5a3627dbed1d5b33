/**
 * What the npm commands refuse before they touch anything: an unknown stack (exit 2, with the stacks
 * the command accepts) and a configuration file that is not there (one error line naming it).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const npm = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync('npm', ['run', '--silent', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LEADERBOARD_CONFIG: '', ...env }, timeout: 60_000 });

describe('the npm commands refuse bad input in one line', () => {
  it.each([
    [['deploy', '--', 'nope'], 'docker-jdbc, docker-kafka, k8s-jdbc, k8s-kafka'],
    [['destroy', '--', 'nope'], 'docker-jdbc, docker-kafka, k8s-jdbc, k8s-kafka'],
    [['psql', '--', 'docker-kafka'], 'docker-jdbc, k8s-jdbc'],
  ])('npm run %j: exit 2 and the stacks it accepts', (args, accepted) => {
    const run = npm(args);
    expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 2, stderr: `unknown stack '${args[2]}'; stacks: ${accepted}` });
  });

  it('names a configuration file that is not there, before any set-up', () => {
    const run = npm(['destroy'], { LEADERBOARD_CONFIG: 'no-such-config.json' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^\{"level":"error","script":"destroy","elapsed_s":\d+,"msg":"LEADERBOARD_CONFIG=no-such-config.json: no such file"\}$/);
  });
});
