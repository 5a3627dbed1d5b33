/**
 * The leaderboard jobs on real services: a Kafka broker, a Flink session cluster (module jars, same
 * jar set as the project image) and PostgreSQL, all on loopback. The deterministic event set (with
 * malformed records of every kind) goes to `user-score`; the jobs are submitted through the Docker
 * submitter (twice: the second run must submit nothing); once the sinks are quiet, every board of
 * the sink variant must equal the oracle's, or the first differing row is printed.
 */
import { expectedLeaderboards, generateEventSet } from '../../test-support/event-set';
import { FlinkCluster, flinkCheck } from '../../test-support/flink';
import { kafkaCheck, KafkaBroker, produceRecords } from '../../test-support/kafka';
import { readKafkaBoards, readPostgresBoards } from '../../test-support/leaderboard-readers';
import { PgServer, postgresCheck } from '../../test-support/postgres';
import { describeWith } from '../../test-support/prerequisites';
import { PipelineServices, settleBoards, startPipelineServices, submitJobs, waitForJobsRunning } from '../../test-support/session-jobs';
import type { Leaderboards } from '../../common/contract';
import { renderJobs, RenderOptions } from '../src/render';
import { createLogger } from '../../dashboard/src/log';
import { PipelineWatch } from '../../dashboard/src/pipeline-watch';
import { tempDir } from '../../test-support/temp-dirs';

const INPUT_TOPIC = 'user-score';
const PARTITIONS = 3;
/** Sinks unchanged this long count as quiet (several checkpoints and sink flushes). */
const QUIET_MS = 25_000;
const SETTLE_TIMEOUT_MS = 8 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'pipeline.int.test', msg, ...fields })}\n`);

describeWith([flinkCheck, kafkaCheck, postgresCheck])('leaderboard pipeline on real Kafka, Flink and PostgreSQL', () => {
  const set = generateEventSet({ partitions: PARTITIONS });
  const expected = expectedLeaderboards(set);
  let services: PipelineServices;
  let kafka: KafkaBroker;
  let pg: PgServer;
  let flink: FlinkCluster;
  const scriptsDir = tempDir('jobs');

  beforeAll(async () => {
    services = await startPipelineServices(INPUT_TOPIC, PARTITIONS);
    ({ kafka, pg, flink } = services);
    await produceRecords(kafka.bootstrapServers, INPUT_TOPIC, set.records);
    log('produced', { records: set.records.length, valid: set.valid.length });
  }, 15 * 60_000);

  afterAll(() => services?.stop(), 120_000);

  function submit(options: RenderOptions): string[] {
    const jobs = renderJobs(options);
    const first = submitJobs(flink, jobs, scriptsDir);
    if (first.status !== 0) throw new Error(`submitter failed (exit ${first.status}):\n${first.stderr}`);
    expect(first.stderr.match(/"msg":"submitted"/g)).toHaveLength(jobs.length);
    const second = submitJobs(flink, jobs, scriptsDir);
    if (second.status !== 0) throw new Error(`second submitter run failed (exit ${second.status}):\n${second.stderr}`);
    expect(second.stderr).toContain('"msg":"nothing to submit"');
    return jobs.map((j) => j.name);
  }

  async function waitForRunning(names: string[]): Promise<void> {
    // The scripts' SET statements reach the jobs submitted through the REST API.
    for (const job of await waitForJobsRunning(flink, names)) {
      expect((await flink.rest<{ interval: number }>(`/jobs/${job.jid}/checkpoints/config`)).interval).toBe(10_000);
    }
  }

  const settle = (read: () => Promise<Leaderboards>) => settleBoards(expected, read, { quietMs: QUIET_MS, timeoutMs: SETTLE_TIMEOUT_MS, log });

  const base = (): Omit<RenderOptions, 'sink' | 'layout'> => ({
    kafkaBootstrapServers: kafka.bootstrapServers,
    inputTopic: INPUT_TOPIC,
    startupMode: 'earliest',
  });

  it('has an event set as the issue asks (>= 20,000 events, >= 50 malformed of every kind)', () => {
    expect(set.valid.length).toBeGreaterThanOrEqual(20_000);
    for (const [kind, count] of Object.entries(set.malformed)) expect([kind, count >= 50]).toEqual([kind, true]);
    expect(expected.top_teams).toHaveLength(10);
  });

  /** What the dashboard reads from the jobs' metrics as the count of skipped records, once it has settled. */
  async function skippedAsTheDashboardSees(): Promise<number | null> {
    const watch = new PipelineWatch({ restUrl: flink.restUrl, intervalMs: 1000, logger: createLogger('error'), onChange: () => undefined });
    watch.start();
    try {
      const deadline = Date.now() + 30_000;
      while (watch.status().skippedRecords !== malformedTotal && Date.now() < deadline) await sleep(500);
      return watch.status().skippedRecords;
    } finally {
      watch.stop();
    }
  }
  const malformedTotal = Object.values(set.malformed).reduce((a, b) => a + b, 0);

  it('Kafka variant, one job per metric: every compacted topic equal the oracle, the malformed records counted', async () => {
    const names = submit({ ...base(), sink: { variant: 'kafka' }, layout: 'per-metric' });
    await waitForRunning(names);
    const difference = await settle(() => readKafkaBoards(kafka.bootstrapServers));
    const skipped = await skippedAsTheDashboardSees();
    await flink.cancelAllJobs();
    expect(difference).toBeUndefined();
    expect(skipped).toBe(malformedTotal);
  }, 15 * 60_000);

  it('JDBC variant, one statement set: every PostgreSQL table equal the oracle, the malformed records counted', async () => {
    const names = submit({ ...base(), sink: { variant: 'jdbc', jdbcUrl: pg.jdbcUrl, jdbcUsername: pg.user }, layout: 'statement-set' });
    await waitForRunning(names);
    const difference = await settle(() => readPostgresBoards(pg.url));
    const skipped = await skippedAsTheDashboardSees();
    await flink.cancelAllJobs();
    expect(difference).toBeUndefined();
    expect(skipped).toBe(malformedTotal);
  }, 15 * 60_000);
});
