/**
 * The README's own commands, run literally on a fresh clone as a new user would: `npm run deploy`
 * with no configuration, the URL it prints answers with every board (API and a real browser),
 * `npm run status` says healthy, `npm run destroy` leaves nothing behind. The commands are read from
 * the README's code blocks, so the README cannot drift from what is tested.
 *
 * The clone is of the committed HEAD: uncommitted changes are not part of a fresh clone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { JDBC_PASSWORD_ENV, METRICS } from '../common/contract';
import { SQL_FAILED } from '../constructs/sql-client';
import { screenshot, chromiumCheck } from '../test-support/browser';
import { documentedCommand, ERROR_LINE, runLine, userEnv } from '../test-support/commands';
import { Check, commandExists, describeWith } from '../test-support/prerequisites';
import { tempDir } from '../test-support/temp-dirs';

const root = resolve(__dirname, '..');
const readmeCommand = (what: RegExp): string => documentedCommand(join(root, 'README.md'), what);

const git: Check = commandExists('git');

describeWith([git, chromiumCheck])('the README, literally, on a fresh clone', () => {
  const deploy = readmeCommand(/^npm run deploy$/);
  const destroy = readmeCommand(/^npm run destroy$/);
  const clone = join(tempDir('readme'), 'leaderboard-stack');
  const env = userEnv();
  let deployed = false;
  let destroyed = false;
  let dashboardUrl = '';

  beforeAll(() => {
    execFileSync('git', ['clone', '-q', root, clone]);
  });

  afterAll(async () => {
    if (deployed && !destroyed) await runLine(clone, destroy, env, 10 * 60_000);
  }, 10 * 60_000);

  it(`"${'npm run deploy'}" exits 0, prints the dashboard URL and no error line`, async () => {
    deployed = true;
    const started = Date.now();
    const run = await runLine(clone, deploy, env, 30 * 60_000);
    process.stderr.write(`  [readme] ${deploy}: exit ${run.code} after ${Math.round((Date.now() - started) / 1000)} s\n`);
    expect({ code: run.code, tail: run.stderr.slice(-3000) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(run.stdout + run.stderr).not.toMatch(ERROR_LINE);
    const url = /^Dashboard: (http\S+)$/m.exec(run.stdout);
    expect(url).not.toBeNull();
    expect(run.stdout).toMatch(/^Flink UI: +http\S+$/m);
    dashboardUrl = url![1];
  }, 30 * 60_000);

  it('serves a page whose five boards fill with the injector\'s events', async () => {
    expect(dashboardUrl).not.toBe('');
    const deadline = Date.now() + 5 * 60_000;
    let counts = '';
    for (;;) {
      const api = (await (await fetch(`${dashboardUrl}api/leaderboards`)).json()) as { boards: Record<string, { rows: unknown[] }> };
      counts = METRICS.map((m) => `${m.id}=${api.boards[m.id]?.rows.length ?? 0}`).join(' ');
      if (METRICS.every((m) => (api.boards[m.id]?.rows.length ?? 0) > 0)) break;
      if (Date.now() > deadline) throw new Error(`boards still empty after 5 min: ${counts}`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const outputDir = join(root, 'test-output');
    mkdirSync(outputDir, { recursive: true });
    expect(await screenshot(dashboardUrl, join(outputDir, 'readme-dashboard.png'))).toBe(METRICS.length);
  }, 7 * 60_000);

  it('"npm run status" reports the stack healthy', async () => {
    const run = await runLine(clone, readmeCommand(/^npm run status$/), env, 120_000);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('flink job') });
  }, 180_000);

  it('"npm run psql" reads the boards as the read-only role, which cannot write', async () => {
    const query = await runLine(clone, readmeCommand(/^npm run psql -- -c /), env, 120_000);
    expect({ code: query.code, stderr: query.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
    // psql pads header cells, the last one too.
    expect(query.stdout).toMatch(/^ rnk \| +team_name +\| total_score *$/m);
    expect(query.stdout).toMatch(/^\(3 rows\) *$/m);
    const write = await runLine(clone, "npm run --silent psql -- -c 'DELETE FROM leaderboard.top_teams'", env, 120_000);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('ERROR:  cannot execute DELETE in a read-only transaction');
  }, 5 * 60_000);

  it('"npm run sql" queries the boards and the input with Flink SQL, without DDL, keeps a user\'s table, and fails a failed script', async () => {
    const query = await runLine(clone, readmeCommand(/^echo ".*" \| npm run sql$/), env, 5 * 60_000);
    expect({ code: query.code, stderr: query.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(query.stdout).toMatch(/^\| op \| +rnk \| +team_name \| +total_score \|$/m);
    expect(query.stdout).toMatch(/^Received a total of 3 rows/m);
    const input = await runLine(clone, 'echo "SELECT user_id, score FROM user_score LIMIT 2;" | npm run --silent sql', env, 5 * 60_000);
    expect(input.code).toBe(0);
    expect(input.stdout).toMatch(/^Received a total of 2 rows/m);
    // The reader's password reaches the client's init script inside its container only.
    const password = execFileSync('docker', ['exec', 'docker-jdbc-sql-client', 'printenv', JDBC_PASSWORD_ENV], { encoding: 'utf8' }).trim();
    expect(password.length).toBeGreaterThan(8);
    expect(query.stdout + query.stderr + input.stdout + input.stderr).not.toContain(password);
    // The catalog keeps the pipeline's tables with the password as a placeholder, and a user's table across sessions.
    const kept = execFileSync('docker', ['exec', 'docker-jdbc-sql-client', 'cat', '/opt/flink/catalog/top_teams.table.properties'], { encoding: 'utf8' });
    expect(kept).toContain(`\${${JDBC_PASSWORD_ENV}}`);
    expect(kept).not.toContain(password);
    const create = "echo \"CREATE TABLE my_notes (note STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '2');\" | npm run --silent sql";
    expect((await runLine(clone, create, env, 5 * 60_000)).code).toBe(0);
    const notes = await runLine(clone, 'echo "SELECT note FROM my_notes;" | npm run --silent sql', env, 5 * 60_000);
    expect({ code: notes.code, stdout: notes.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^Received a total of 2 rows/m) });
    const failed = await runLine(clone, 'echo "SELECT * FROM no_such_table;" | npm run --silent sql', env, 5 * 60_000);
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({ code: 1, stderr: expect.stringContaining(SQL_FAILED) });
    expect(failed.stdout).toContain("Object 'no_such_table' not found");
  }, 16 * 60_000);

  it('applies the README\'s configuration example to the deployed stack', async () => {
    const write = readmeCommand(/^echo '.*' > my-config\.json$/);
    const redeploy = readmeCommand(/^LEADERBOARD_CONFIG=my-config\.json npm run deploy$/);
    expect((await runLine(clone, write, env, 10_000)).code).toBe(0);
    const port = (JSON.parse(readFileSync(join(clone, 'my-config.json'), 'utf8')) as { expose: { postgresPort: number } }).expose.postgresPort;
    const run = await runLine(clone, redeploy, env, 20 * 60_000);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(ERROR_LINE);
    await new Promise<void>((done, fail) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        done();
      });
      socket.on('error', fail);
    });
  }, 20 * 60_000);

  it('"npm run destroy" removes every container of the stack', async () => {
    const run = await runLine(clone, destroy, env, 10 * 60_000);
    expect(run.code).toBe(0);
    destroyed = true;
    const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=leaderboard.stack=docker-jdbc'], { encoding: 'utf8' }).trim();
    expect(left).toBe('');
    const status = await runLine(clone, 'npm run --silent status', env, 120_000);
    expect(status.code).toBe(1);
  }, 10 * 60_000);
});
