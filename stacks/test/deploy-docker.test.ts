/**
 * The proof that the package works: `cdktf deploy` of the Docker stacks for real (OpenTofu, the real
 * docker provider, a real engine), a finite deterministic injector run, and the leaderboards checked
 * against the oracle on the events actually in `user-score`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Leaderboards, METRICS } from '../../flink-sql/src/metrics';
import { renderJobs } from '../../flink-sql/src/render';
import { DEFAULT_CONFIG } from '../config';
import { compareLeaderboards } from '../../oracle/src/compare';
import { GameEvent, isInvalid } from '../../oracle/src/game-event';
import { computeLeaderboards } from '../../oracle/src/leaderboards';
import { parseEvent } from '../../oracle/src/parse-event';
import { INPUT_PARTITIONS } from '../../constructs/pipeline';
import { cdktf } from '../../test-support/cdktf-cli';
import { flushEvents, teamIdOf } from '../../test-support/event-set';
import { produce, readKafkaBoards, readPostgresBoards, readTopic } from '../../test-support/leaderboard-readers';
import { Check, commandExists, describeWith } from '../../test-support/prerequisites';
import { screenshot } from '../../test-support/browser';
import { tofuCheck } from '../../test-support/tofu';

const root = resolve(__dirname, '..', '..');
const outputDir = join(root, 'test-output');
const cache = process.env.LEADERBOARD_CACHE ?? join(homedir(), '.cache', 'leaderboard-stack');
const EVENTS = 20_000;
const ports = { dashboard: 18080, flinkUi: 18081, kafka: 19092, postgres: 15432 };

const dockerEngine: Check = () => {
  const missing = commandExists('docker')();
  if (missing) return missing;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return 'no Docker engine answers (start dockerd, e.g. scripts/offline/docker-engine.sh)';
  }
};

const imageContexts: Check = () =>
  ['flink', 'injector', 'dashboard'].every((n) => existsSync(join(root, 'build', 'images', n, 'Dockerfile')))
    ? undefined
    : 'project image contexts missing (run npm run build:images)';

/** Stand-in images when CI built them (scripts/offline/standin-images.sh), else the official ones. */
function imagesConfig(): Record<string, string> {
  const file = join(cache, 'standin-images.txt');
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^images\.(\w+)=(\S+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
const labelled = (kind: 'ps' | 'network' | 'volume', stack: string): string[] => {
  const args = kind === 'ps' ? ['ps', '-a'] : [kind, 'ls'];
  return docker(...args, '-q', '--filter', `label=leaderboard.stack=${stack}`).split('\n').filter(Boolean);
};

/** Logs of the stack's containers that failed, so a red run says why. */
function failedContainerLogs(stack: string): string {
  return labelled('ps', stack)
    .map((id) => {
      const state = docker('inspect', '--format', '{{.Name}} {{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', id);
      const [, status, exitCode, health] = state.split(' ');
      const failed = (status === 'exited' && exitCode !== '0') || health === 'unhealthy' || status === 'restarting';
      return failed ? `--- ${state}\n${execFileSync('docker', ['logs', '--tail', '80', id], { encoding: 'utf8' })}` : '';
    })
    .filter(Boolean)
    .join('\n');
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const started = Date.now();
  let lastError = '';
  let lastReport = 0;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
    if (Date.now() - lastReport > 15_000) {
      process.stderr.write(`  [smoke] waiting for ${what} (${Math.round((Date.now() - started) / 1000)}s)\n`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

interface JobOverview { jobs: { jid: string; name: string; state: string }[] }

/** Only the job names matter here, which depend on the layout, not on addresses. */
const renderOptionsOf = (sink: 'jdbc' | 'kafka') => ({
  sink,
  kafkaBootstrapServers: 'kafka:9092',
  inputTopic: DEFAULT_CONFIG.inputTopic,
  startupMode: DEFAULT_CONFIG.flink.startupMode,
  jdbcUrl: 'jdbc:postgresql://postgres:5432/leaderboard',
  jdbcUsername: 'leaderboard_writer',
});

const nonEmpty = (b: Leaderboards): boolean => Object.values(b).every((rows: unknown[]) => rows.length > 0);

describeWith([dockerEngine, tofuCheck, imageContexts])('cdktf deploy to the local Docker engine', () => {
  const work = mkdtempSync(join(tmpdir(), 'leaderboard-deploy-'));
  mkdirSync(outputDir, { recursive: true });
  const timings: Record<string, number> = {};

  afterAll(() => process.stderr.write(`  [smoke] timings (s): ${JSON.stringify(timings)}\n`));

  describe.each(['docker-jdbc', 'docker-kafka'] as const)('%s', (stack) => {
    const sink = stack === 'docker-jdbc' ? 'jdbc' : 'kafka';
    const configFile = join(work, `${stack}.json`);
    const env = {
      LEADERBOARD_CONFIG: configFile,
      LEADERBOARD_STATE_DIR: work,
    };
    const cli = (...args: string[]) => cdktf([...args, stack, '--output', join(work, `${stack}.out`)], env);
    let deployed = false;
    let deployOk = false;
    let expected: Leaderboards;
    /** A later check is meaningless once the deploy failed; fail it at once instead of timing out. */
    const requireDeploy = (): void => {
      if (!deployOk) throw new Error(`${stack} did not deploy`);
    };

    beforeAll(() => {
      writeFileSync(
        configFile,
        JSON.stringify({
          injector: { enabled: true, maxEvents: EVENTS, seed: 20261126, eventsPerSecond: 2000 },
          dashboard: { port: ports.dashboard },
          flink: { uiPort: ports.flinkUi },
          expose: { kafkaPort: ports.kafka, postgresPort: sink === 'jdbc' ? ports.postgres : null },
          images: imagesConfig(),
        }),
      );
    });

    afterAll(async () => {
      if (!deployed) return;
      const leftovers = labelled('ps', stack);
      if (leftovers.length > 0) {
        process.stderr.write(failedContainerLogs(stack));
        await cli('destroy', '--auto-approve').catch((err) => process.stderr.write(`destroy after failure: ${err}\n`));
      }
    });

    it('deploys', async () => {
      deployed = true;
      try {
        timings[`${stack} deploy`] = (await cli('deploy', '--auto-approve')).seconds;
        deployOk = true;
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${failedContainerLogs(stack)}`);
      }
    }, 20 * 60_000);

    it('computes the four boards equal to the oracle on the events in user-score', async () => {
      requireDeploy();
      const started = Date.now();
      await waitFor('the injector to finish its finite run', 5 * 60_000, async () => {
        const state = docker('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', `${stack}-injector`);
        if (state === 'exited 0') return true;
        if (state.startsWith('exited')) throw new Error(`injector ${state}`);
        return undefined;
      });
      // The oracle runs on what is actually in the topic, whatever the producer's delivery guarantees gave.
      const records = await readTopic(`127.0.0.1:${ports.kafka}`, 'user-score');
      expect(records.length).toBeGreaterThanOrEqual(EVENTS);
      process.stderr.write(`  [smoke] ${stack}: ${records.length} records in user-score for ${EVENTS} injected events\n`);
      const injected = records.map((r) => parseEvent(r.value ?? Buffer.alloc(0))).filter((p): p is GameEvent => !isInvalid(p));
      expect(injected).toHaveLength(records.length);
      // The injector's last seconds of events sit behind the watermark; flush events move it past them.
      const maxTime = Math.max(...injected.map((e) => e.event_time_millis));
      const flush = flushEvents(maxTime, INPUT_PARTITIONS, { id: teamIdOf('Flush-Zero'), name: 'Flush-Zero' });
      await produce(`127.0.0.1:${ports.kafka}`, 'user-score', flush.map((f) => f.record));
      expected = computeLeaderboards([...injected, ...flush.map((f) => f.event)]);
      const read = sink === 'jdbc'
        ? () => readPostgresBoards(`postgres://leaderboard_admin:${adminPassword(stack)}@127.0.0.1:${ports.postgres}/leaderboard`)
        : () => readKafkaBoards(`127.0.0.1:${ports.kafka}`);
      let lastDiff = '';
      try {
        await waitFor('the sinks to equal the oracle', 6 * 60_000, async () => {
          const actual = await read();
          if (nonEmpty(actual) && timings[`${stack} boards non-empty`] === undefined) {
            timings[`${stack} boards non-empty`] = (Date.now() - started) / 1000;
          }
          lastDiff = compareLeaderboards(expected, actual) ?? '';
          return lastDiff === '' ? true : undefined;
        });
      } catch (err) {
        throw new Error(`${(err as Error).message}\nfirst difference: ${lastDiff}\n${failedContainerLogs(stack)}`);
      }
      timings[`${stack} oracle match`] = (Date.now() - started) / 1000;
    }, 15 * 60_000);

    it('serves the same boards on the dashboard API and renders them in a browser', async () => {
      requireDeploy();
      const base = `http://127.0.0.1:${ports.dashboard}`;
      await waitFor('the dashboard to publish the oracle boards', 120_000, async () => {
        const api = await getJson<{ boards: Record<string, { rows: unknown[] }> }>(`${base}/api/leaderboards`);
        const boards = Object.fromEntries(METRICS.map((m) => [m.id, api.boards[m.id]?.rows ?? []])) as unknown as Leaderboards;
        return compareLeaderboards(expected, boards) === undefined ? true : undefined;
      });
      const file = join(outputDir, `${stack}-dashboard.png`);
      const tableRows = await screenshot(base, file);
      expect(tableRows).toBeGreaterThanOrEqual(4);
      expect(existsSync(file)).toBe(true);
    }, 5 * 60_000);

    it('runs every Flink job once, RUNNING', async () => {
      requireDeploy();
      const overview = await getJson<JobOverview>(`http://127.0.0.1:${ports.flinkUi}/jobs/overview`);
      const names = overview.jobs.map((j) => j.name).sort();
      const expectedNames = renderJobs({ ...renderOptionsOf(sink), layout: DEFAULT_CONFIG.flink.jobLayout }).map((j) => j.name).sort();
      expect(names).toEqual(expectedNames);
      expect(overview.jobs.every((j) => j.state === 'RUNNING')).toBe(true);
    });

    it('changes nothing on a second deploy', async () => {
      requireDeploy();
      const diff = await cli('diff');
      expect(diff.output).toMatch(/No changes/);
    }, 10 * 60_000);

    it('destroys every container, network and volume of the stack', async () => {
      timings[`${stack} destroy`] = (await cli('destroy', '--auto-approve')).seconds;
      expect(labelled('ps', stack)).toEqual([]);
      expect(labelled('network', stack)).toEqual([]);
      expect(labelled('volume', stack)).toEqual([]);
    }, 10 * 60_000);
  });
});

/** The generated admin password, read from the deployment's own container (it is never in the code). */
function adminPassword(stack: string): string {
  const env = docker('inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', `${stack}-postgres`);
  const line = env.split('\n').find((l) => l.startsWith('POSTGRES_PASSWORD='));
  if (!line) throw new Error(`${stack}-postgres has no POSTGRES_PASSWORD`);
  return encodeURIComponent(line.slice('POSTGRES_PASSWORD='.length));
}
