/**
 * The deployed `docker-jdbc` stack survives crashes: one real deploy (OpenTofu, stand-in images), a
 * finite seeded injector, and faults in sequence. Faults while the injector produces (TaskManager,
 * JobManager and Kafka broker SIGKILLed from the host, as a crash ends them; Kafka restarted) must
 * lose and duplicate no record and leave the boards equal to the oracle once the injector is done.
 * Then malformed input at 10% of the records must stop no job and be counted on the dashboard. Faults
 * once the pipeline is quiet (PostgreSQL restarted, dashboard SIGKILLed, and with LEADERBOARD_FAULTS=all
 * every container restarted or stopped and started) are each followed by a probe event and the oracle
 * check again. Prints a table of fault, recovery time, records lost and
 * duplicated, and whether the boards equal the oracle.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../config';
import { cdktf } from '../../test-support/cdktf-cli';
import { dockerEngineCheck, expectSinksEqualOracle, getJson, imageContextsCheck, maxEventTime, postgresAdminPassword, produceProbe, standinImagesConfig, validEvents, waitFor } from '../../test-support/deploy-checks';
import { generateEventSet } from '../../test-support/event-set';
import { produce, readPostgresBoards, readTopic } from '../../test-support/leaderboard-readers';
import { describeWith } from '../../test-support/prerequisites';
import { tofuCheck } from '../../test-support/tofu';
import { INPUT_PARTITIONS, Leaderboards, METRICS } from '../../common/contract';
import { INVALID_KINDS } from '../../oracle/src/game-event';
import { compareLeaderboards } from '../../oracle/src/compare';
import { tempDir } from '../../test-support/temp-dirs';

const STACK = 'docker-jdbc';
const EVENTS = 20_000;
/** Slow enough that the faults of the first phase happen while the injector still produces. */
const EVENTS_PER_SECOND = 100;
const ports = { dashboard: 28080, flinkUi: 28081, kafka: 29092, postgres: 25432 };
const ALL = process.env.LEADERBOARD_FAULTS === 'all';

const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8', timeout: 120_000 }).trim();
const container = (component: string): string => `${STACK}-${component}`;
const stackContainers = (): string[] => docker('ps', '-a', '-q', '--filter', `label=leaderboard.stack=${STACK}`).split('\n').filter(Boolean);

/** SIGKILL of the container's main process from the host: a crash, which the restart policy answers (`docker kill` would count as a manual stop). */
function crash(component: string): void {
  const pid = docker('inspect', '-f', '{{.State.Pid}}', container(component));
  if (!/^[1-9]\d*$/.test(pid)) throw new Error(`${container(component)} has no running process (pid '${pid}')`);
  execFileSync('kill', ['-KILL', pid]);
}


const restartCount = (component: string): number => Number(docker('inspect', '-f', '{{.RestartCount}}', container(component)));
const isUp = (component: string): boolean => {
  const [status, health] = docker('inspect', '-f', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}', container(component)).split(' ');
  return status === 'running' && (health === undefined || health === '' || health === 'healthy');
};

interface JobOverview { jobs: { jid: string; name: string; state: string }[] }
interface CheckpointStats {
  latest: {
    completed: { latest_ack_timestamp: number } | null;
    restored: { external_path: string } | null;
  };
}

const flinkUrl = `http://127.0.0.1:${ports.flinkUi}`;
const healthz = `http://127.0.0.1:${ports.dashboard}/healthz`;

/** Every job of the session RUNNING with a checkpoint completed after `since`: the pipeline reads, writes and commits again. */
async function jobsCheckpointedSince(since: number): Promise<CheckpointStats[] | undefined> {
  const { jobs } = await getJson<JobOverview>(`${flinkUrl}/jobs/overview`);
  const running = jobs.filter((j) => j.state === 'RUNNING');
  if (running.length === 0 || jobs.some((j) => j.state !== 'RUNNING' && j.state !== 'CANCELED' && j.state !== 'FAILED')) return undefined;
  const stats = await Promise.all(running.map((j) => getJson<CheckpointStats>(`${flinkUrl}/jobs/${j.jid}/checkpoints`)));
  return stats.every((s) => (s.latest.completed?.latest_ack_timestamp ?? 0) > since) ? stats : undefined;
}

/** The injector's own account of its run: its last log line. */
function injectorSummary(): { generated: number; delivered: number; pending: number; errors: number } {
  const logs = spawnSync('docker', ['logs', container('injector')], { encoding: 'utf8' });
  const all = `${logs.stdout}\n${logs.stderr}`;
  const finished = all.split('\n').filter((l) => l.includes('"finished"')).map((l) => JSON.parse(l) as { msg: string; generated: number; delivered: number; pending: number; errors: number });
  const last = finished.find((l) => l.msg === 'finished');
  if (!last) throw new Error(`the injector logged no 'finished' line:\n${all.split('\n').slice(-20).join('\n')}`);
  return last;
}

interface Row { fault: string; recoverySeconds: number; lost: number | string; duplicated: number | string; equal: string }

describeWith([dockerEngineCheck, tofuCheck, imageContextsCheck])('faults on the deployed docker-jdbc stack', () => {
  const work = tempDir('faults');
  const configFile = join(work, `${STACK}.json`);
  const env = { LEADERBOARD_CONFIG: configFile, LEADERBOARD_STATE_DIR: work };
  const cli = (...args: string[]) => cdktf([...args, STACK, '--output', join(work, `${STACK}.out`)], env);
  const kafka = { bootstrapServers: `127.0.0.1:${ports.kafka}` };
  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  let deployed = false;
  let deployOk = false;
  let probes = 0;
  /** What the injector said it delivered, and what the test itself added (flush events and probes). */
  let delivered = 0;
  let producedByTest = 0;
  /** Records the test wrote that are not valid events. */
  let malformedByTest = 0;

  const requireDeploy = (): void => {
    if (!deployOk) throw new Error(`${STACK} did not deploy`);
  };

  /** The oracle over every record now in user-score, the sinks and the dashboard equal to it. */
  const boardsEqualOracle = async (label: string, started: number): Promise<void> => {
    producedByTest += INPUT_PARTITIONS;
    const boards = await expectSinksEqualOracle({
      kafka,
      inputTopic: DEFAULT_CONFIG.inputTopic,
      inputPartitions: INPUT_PARTITIONS,
      injectedEvents: EVENTS,
      invalidRecords: malformedByTest,
      readBoards: () => readPostgresBoards(`postgres://leaderboard_admin:${postgresAdminPassword(container('postgres'))}@127.0.0.1:${ports.postgres}/leaderboard`),
      diagnostics: () => stackContainers().map((id) => docker('inspect', '-f', '{{.Name}} {{.State.Status}} restarts={{.RestartCount}}', id)).join('\n'),
      timings,
      label,
      started,
    });
    await waitFor('the dashboard to publish the oracle boards', 120_000, async () => {
      const api = await getJson<{ boards: Record<string, { rows: unknown[] }> }>(`http://127.0.0.1:${ports.dashboard}/api/leaderboards`);
      const shown = Object.fromEntries(METRICS.map((m) => [m.id, api.boards[m.id]?.rows ?? []])) as unknown as Leaderboards;
      return compareLeaderboards(boards, shown) === undefined ? true : undefined;
    });
  };

  /** A fresh top player after the last event, so the sinks must write again for the boards to match. */
  const probe = async (): Promise<void> => {
    probes++;
    await produceProbe(kafka, DEFAULT_CONFIG.inputTopic, probes);
    producedByTest++;
  };

  /** Valid records missing from, and repeated in, user-score against what was delivered to it. */
  const countInput = async (): Promise<{ records: number; lost: number; duplicated: number }> => {
    const records = (await readTopic(kafka, DEFAULT_CONFIG.inputTopic)).filter((r) => validEvents([r]).length === 1);
    const distinct = new Set(records.map((r) => `${r.key?.toString('utf8')}\u0000${r.value?.toString('utf8')}`)).size;
    return { records: records.length, lost: Math.max(0, delivered + producedByTest - distinct), duplicated: records.length - distinct };
  };

  /** A fault once the pipeline is quiet: recovered when a probe made after it reaches the sinks and the dashboard. */
  const quietFault = async (fault: string, inject: () => void | Promise<void>, componentsBack: string[], crashed?: string): Promise<void> => {
    requireDeploy();
    // A crashed container still looks running for a moment; only its restart count says it came back.
    const restarts = crashed === undefined ? 0 : restartCount(crashed);
    const started = Date.now();
    await inject();
    await waitFor(`${componentsBack.join(', ')} to be up again after: ${fault}`, 5 * 60_000, async () =>
      componentsBack.every(isUp) && (crashed === undefined || restartCount(crashed) > restarts) ? true : undefined);
    await probe();
    await boardsEqualOracle(fault, started);
    const recoverySeconds = (Date.now() - started) / 1000;
    const { lost, duplicated } = await countInput();
    rows.push({ fault, recoverySeconds, lost, duplicated, equal: 'yes' });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  };

  beforeAll(() => {
    const mine = stackContainers();
    if (mine.length > 0) throw new Error(`containers of ${STACK} exist already (another deploy test?): ${mine.join(' ')}; wait for it or destroy it`);
    writeFileSync(
      configFile,
      JSON.stringify({
        injector: { enabled: true, maxEvents: EVENTS, seed: 20261201, eventsPerSecond: EVENTS_PER_SECOND },
        dashboard: { port: ports.dashboard },
        flink: { uiPort: ports.flinkUi },
        expose: { kafkaPort: ports.kafka, postgresPort: ports.postgres },
        images: standinImagesConfig(),
      }),
    );
  });

  afterAll(async () => {
    process.stderr.write(`  [faults] timings (s): ${JSON.stringify(timings)}\n`);
    if (rows.length > 0) {
      const table = ['| fault | recovery (s) | records lost | records duplicated | boards equal |', '| --- | --- | --- | --- | --- |',
        ...rows.map((r) => `| ${r.fault} | ${r.recoverySeconds.toFixed(1)} | ${r.lost} | ${r.duplicated} | ${r.equal} |`)].join('\n');
      process.stderr.write(`\n${table}\n\n`);
    }
    if (deployed && stackContainers().length > 0) {
      await cli('destroy', '--auto-approve').catch((err) => process.stderr.write(`destroy after failure: ${err}\n`));
    }
  }, 10 * 60_000);

  it('deploys with a finite seeded injector', async () => {
    deployed = true;
    timings.deploy = (await cli('deploy', '--auto-approve')).seconds;
    deployOk = true;
  }, 20 * 60_000);

  describe('while the injector produces', () => {
    /** `how` is a crash (the restart policy must bring the container back) or a `docker restart`. */
    const liveFault = async (fault: string, component: string, how: 'crash' | 'restart'): Promise<void> => {
      requireDeploy();
      const restarts = restartCount(component);
      // What the dashboard's health said meanwhile: the page must not look live while the jobs are gone.
      const healthSeen = new Set<string>();
      const sampler = setInterval(() => {
        getJson<{ status: string }>(healthz).then((h) => healthSeen.add(h.status), (err: Error) => healthSeen.add(err.message));
      }, 1000);
      const started = Date.now();
      try {
        if (how === 'crash') crash(component);
        else docker('restart', container(component));
        await waitFor(`${component} to come back`, 3 * 60_000, async () =>
          isUp(component) && (how === 'restart' || restartCount(component) > restarts) ? true : undefined);
        const stats = await waitFor(`the jobs to run and checkpoint again after: ${fault}`, 5 * 60_000, () => jobsCheckpointedSince(started));
        rows.push({ fault, recoverySeconds: (Date.now() - started) / 1000, lost: 'see end', duplicated: 'see end', equal: 'see end' });
        if (component === 'jobmanager') {
          // Resubmitted from the retained checkpoint, not from scratch.
          expect(stats.every((s) => s.latest.restored?.external_path.includes('/chk-'))).toBe(true);
          expect(healthSeen).toContain('degraded');
        }
        await waitFor('the dashboard to report the pipeline healthy again', 60_000, async () =>
          (await getJson<{ status: string }>(healthz)).status === 'ok' ? true : undefined);
      } finally {
        clearInterval(sampler);
      }
      process.stderr.write(`  [faults] dashboard /healthz during '${fault}': ${[...healthSeen].join(', ')}\n`);
      if (docker('inspect', '-f', '{{.State.Status}}', container('injector')) !== 'running') {
        process.stderr.write(`  [faults] note: the injector had finished before '${fault}' recovered\n`);
      }
    };

    it('has every job running and checkpointing', async () => {
      requireDeploy();
      await waitFor('a first checkpoint', 3 * 60_000, () => jobsCheckpointedSince(0));
    }, 4 * 60_000);

    it('recovers from a TaskManager SIGKILL', () => liveFault('TaskManager SIGKILL', 'taskmanager', 'crash'), 9 * 60_000);

    it('recovers from a JobManager SIGKILL: the keeper resubmits the lost jobs from their checkpoints', () =>
      liveFault('JobManager SIGKILL', 'jobmanager', 'crash'), 9 * 60_000);

    it('recovers from a Kafka broker restart', () => liveFault('Kafka broker restart', 'kafka', 'restart'), 9 * 60_000);

    it('recovers from a Kafka broker SIGKILL', () => liveFault('Kafka broker SIGKILL', 'kafka', 'crash'), 9 * 60_000);

    it('ends with every acknowledged event in user-score exactly once and the boards equal to the oracle', async () => {
      requireDeploy();
      const waitStarted = Date.now();
      await waitFor('the injector to finish its finite run', 10 * 60_000, async () => {
        const state = docker('inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', container('injector'));
        if (state === 'exited 0') return true;
        if (state.startsWith('exited')) throw new Error(`injector ${state}`);
        return undefined;
      });
      const summary = injectorSummary();
      delivered = summary.delivered;
      expect(restartCount('injector')).toBe(0);
      const input = await countInput();
      process.stderr.write(`  [faults] injector: ${JSON.stringify(summary)}; user-score: ${JSON.stringify(input)}\n`);
      await boardsEqualOracle('after the live faults', waitStarted);
      for (const row of rows) Object.assign(row, { lost: input.lost, duplicated: input.duplicated, equal: 'yes' });
      expect(summary).toMatchObject({ generated: EVENTS, delivered: EVENTS, pending: 0 });
      expect(input).toEqual({ records: summary.delivered, lost: 0, duplicated: 0 });
    }, 16 * 60_000);
  });

  describe('once the pipeline is quiet (each fault followed by a probe event)', () => {
    const api = `http://127.0.0.1:${ports.dashboard}/api/leaderboards`;
    const skippedOnDashboard = async (): Promise<number> => (await getJson<{ pipeline: { skippedRecords: number | null } }>(api)).pipeline.skippedRecords ?? 0;
    const jobIds = async (): Promise<string> =>
      (await getJson<JobOverview>(`${flinkUrl}/jobs/overview`)).jobs.filter((j) => j.state === 'RUNNING').map((j) => j.jid).sort().join(',');

    it('keeps every job running through malformed input at 10% of the records (every kind), and shows how many it skipped', async () => {
      requireDeploy();
      const started = Date.now();
      const jobsBefore = await jobIds();
      const skippedBefore = await skippedOnDashboard();
      const records = await readTopic(kafka, DEFAULT_CONFIG.inputTopic);
      const maxTime = maxEventTime(records);
      // 25 records of each invalid kind and nine times as many valid events after the injector's: 10% malformed.
      const malformed = 25 * INVALID_KINDS.length;
      const set = generateEventSet({ seed: 20261202, validEvents: 9 * malformed, malformedPerKind: 25, lateEvery: 9 * malformed + 1, startMillis: maxTime + 60_000 });
      const batch = set.records.filter((r) => r.partition === undefined).map((r) => ({ key: r.key, value: r.value }));
      expect(malformed / batch.length).toBeCloseTo(0.1, 3);
      await produce(kafka, DEFAULT_CONFIG.inputTopic, batch);
      producedByTest += batch.length - malformed;
      malformedByTest += malformed;
      await boardsEqualOracle('malformed input at 10%', started);
      await waitFor('the dashboard to count the skipped records', 60_000, async () =>
        (await skippedOnDashboard()) - skippedBefore === malformed ? true : undefined);
      // The same jobs, never restarted or resubmitted.
      expect(await jobIds()).toBe(jobsBefore);
      const { lost, duplicated } = await countInput();
      rows.push({ fault: 'malformed input at 10% (every kind)', recoverySeconds: (Date.now() - started) / 1000, lost, duplicated, equal: 'yes' });
      expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    }, 10 * 60_000);

    it('recovers from a PostgreSQL restart: sinks write again, the dashboard re-listens', () =>
      quietFault('PostgreSQL restart', () => void docker('restart', container('postgres')), ['postgres', 'dashboard']), 10 * 60_000);

    it('recovers from a dashboard SIGKILL and serves the full state at once', () =>
      quietFault('dashboard SIGKILL', () => crash('dashboard'), ['dashboard'], 'dashboard'), 10 * 60_000);

    const running = (): string[] => docker('ps', '-q', '--filter', `label=leaderboard.stack=${STACK}`).split('\n').filter(Boolean);
    const services = ['kafka', 'postgres', 'jobmanager', 'taskmanager', 'submitter', 'dashboard'];

    (ALL ? it : it.skip)('comes back after `docker restart` of every container at once', async () => {
      await quietFault('docker restart of every container', () => void docker('restart', ...running()), services);
    }, 10 * 60_000);

    (ALL ? it : it.skip)('comes back after a host reboot (docker stop of all, docker start of all) without a deploy', async () => {
      await quietFault('host reboot (stop all, start all)', () => {
        const ids = running();
        docker('stop', ...ids);
        docker('start', ...ids);
      }, services);
    }, 10 * 60_000);

  });

  it('destroys the stack', async () => {
    timings.destroy = (await cli('destroy', '--auto-approve')).seconds;
    expect(stackContainers()).toEqual([]);
  }, 10 * 60_000);
});
