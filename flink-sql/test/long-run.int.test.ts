/**
 * Boards that stay right for hours (issue 15): twelve hours of event time from the injector's own
 * generator (synthetic clock, its default game: teams coming and going, names returning, robots, one
 * event in 50 late) through the real pipeline at full speed, both sink variants at once. At two
 * cut-offs and at the end of the stream every board, Hot Streaks' "hot right now" included, equals the
 * oracle over the events produced so far: the boards are a function of the events, not of how long
 * or how fast the jobs ran. The input topic is bounded as the Kafka construct bounds it, on a partition
 * budget the twelve hours overflow while one cut-off's events stay within retention: the broker deletes
 * old segments while the jobs run, and neither it nor the jobs notice.
 */
import type { Leaderboards } from '../../common/contract';
import { RETENTION_CHECK_INTERVAL_MS } from '../../constructs/kafka';
import { retentionConfig } from '../../constructs/kafka-topics';
import { DEFAULT_CHECKPOINT_STORAGE_GIB } from '../../constructs/k8s/flink-session';
import { computeLeaderboards } from '../../oracle/src/leaderboards';
import { FlinkCluster, flinkCheck } from '../../test-support/flink';
import { kafkaCheck, KafkaBroker, partitionDiskBytes, produceRecords } from '../../test-support/kafka';
import { readKafkaBoards, readPostgresBoards } from '../../test-support/leaderboard-readers';
import { PgServer, postgresCheck } from '../../test-support/postgres';
import { HOUR_MILLIS, injectorStream } from '../../test-support/injector-stream';
import { describeWith } from '../../test-support/prerequisites';
import { tempDir } from '../../test-support/temp-dirs';
import { waitFor } from '../../test-support/deploy-checks';
import { PipelineServices, settleBoards, startPipelineServices, submitJobs, waitForJobsRunning } from '../../test-support/session-jobs';
import { renderJobs, RenderOptions } from '../src/render';

const INPUT_TOPIC = 'user-score';
const PARTITIONS = 3;
const HOURS = 12;
/** Cut-offs in hours of event time from the start; the last is the end of the stream. */
const CUT_OFFS = [4, 8, HOURS];
/** 5 events/s for 12 hours: about 216,000 events of some 240 teams (10 at a time, 20 to 40 minutes each). */
const INJECTOR_FLAGS = ['--clock', 'synthetic', '--seed', '20261202', '--avg-qps', '5', '--late-event-rate', '50'];
const QUIET_MS = 20_000;
const MIB = 1024 * 1024;
/**
 * What one input partition may use on disk, and what it retains: the stream is about 14 MiB per
 * partition, one cut-off's part of it about 5 MiB. Kafka keeps at least retention.bytes, so segments
 * the jobs have not read yet (at most one cut-off's) are never the ones deleted.
 */
const PARTITION_BUDGET = 16 * MIB;
const INPUT_RETENTION = 10 * MIB;
const INPUT_TOPIC_CONFIG = retentionConfig({ hours: 7 * 24, bytesPerPartition: INPUT_RETENTION }, PARTITION_BUDGET);
const SETTLE_TIMEOUT_MS = 8 * 60_000;

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'long-run.int.test', msg, ...fields })}\n`);

describeWith([flinkCheck, kafkaCheck, postgresCheck])('twelve hours of the injector\'s game through the real pipeline', () => {
  const stream = injectorStream(INJECTOR_FLAGS, HOURS);
  let services: PipelineServices;
  let kafka: KafkaBroker;
  let pg: PgServer;
  let flink: FlinkCluster;
  let running: { jid: string; name: string }[] = [];

  beforeAll(async () => {
    services = await startPipelineServices(INPUT_TOPIC, PARTITIONS, {
      inputTopicConfig: INPUT_TOPIC_CONFIG,
      brokerConfig: { 'log.retention.check.interval.ms': String(RETENTION_CHECK_INTERVAL_MS) },
    });
    ({ kafka, pg, flink } = services);
  }, 15 * 60_000);

  afterAll(() => services?.stop(), 120_000);

  it('is the game the issue asks for: 12 hours, teams coming and going with names returning, robots, late events', () => {
    const { events, arrivals, startMillis } = stream;
    expect(arrivals[arrivals.length - 1] - startMillis).toBeGreaterThan((HOURS - 0.01) * HOUR_MILLIS);
    expect(stream.returningNames).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.team_id)).size).toBeGreaterThan(200);
    expect(events.filter((e) => e.user_id.startsWith('RBT-')).length).toBeGreaterThan(events.length / 10);
    expect(stream.records.filter((r) => r.value.includes('"event_type":"late"')).length).toBe(Math.floor(events.length / 50));
    // Overflows what a partition retains (retention.bytes and the segment being written), one cut-off's
    // part (a third of it) well within retention.
    const bytes = stream.records.reduce((sum, r) => sum + r.key.length + r.value.length, 0);
    expect(bytes / PARTITIONS).toBeGreaterThan(INPUT_RETENTION + Number(INPUT_TOPIC_CONFIG['segment.bytes']));
    expect((bytes / CUT_OFFS.length / PARTITIONS) * 1.5).toBeLessThan(INPUT_RETENTION);
  });

  it('equals the oracle on every board of both sinks at two cut-offs and at the end of the stream', async () => {
    const base: Omit<RenderOptions, 'sink' | 'layout'> = { kafkaBootstrapServers: kafka.bootstrapServers, inputTopic: INPUT_TOPIC, startupMode: 'earliest' };
    const jobs = [
      ...renderJobs({ ...base, sink: { variant: 'kafka' }, layout: 'per-metric' }),
      ...renderJobs({ ...base, sink: { variant: 'jdbc', jdbcUrl: pg.jdbcUrl, jdbcUsername: pg.user }, layout: 'statement-set' }),
    ];
    const submitted = submitJobs(flink, jobs, tempDir('long-run-jobs'));
    if (submitted.status !== 0) throw new Error(`submitter failed (exit ${submitted.status}):\n${submitted.stderr}`);
    running = await waitForJobsRunning(flink, jobs.map((j) => j.name));
    const sinks: [string, () => Promise<Leaderboards>][] = [
      ['kafka', () => readKafkaBoards(kafka.bootstrapServers)],
      ['jdbc', () => readPostgresBoards(pg.url)],
    ];
    let produced = 0;
    for (const hours of CUT_OFFS) {
      const end = stream.arrivals.findIndex((at) => at >= stream.startMillis + hours * HOUR_MILLIS);
      const upTo = end < 0 ? stream.events.length : end;
      await produceRecords(kafka.bootstrapServers, INPUT_TOPIC, stream.records.slice(produced, upTo), 5000);
      produced = upTo;
      const expected = computeLeaderboards(stream.events.slice(0, produced));
      log('produced up to the cut-off', { hours, events: produced, hotStreaks: expected.hot_streaks.length, suspectedBots: expected.suspected_bots.length });
      // The robots of the teams playing at the cut-off are on the board, so the comparison covers it.
      expect(expected.suspected_bots.length).toBeGreaterThan(0);
      for (const [sink, read] of sinks) {
        const difference = await settleBoards(expected, read, { quietMs: QUIET_MS, timeoutMs: SETTLE_TIMEOUT_MS, log: (msg, fields) => log(msg, { sink, hours, ...fields }) });
        expect({ sink, hours, difference }).toEqual({ sink, hours, difference: undefined });
      }
    }
  }, 30 * 60_000);

  it('keeps the input topic within its bound meanwhile: old segments deleted under the running jobs, none of which restarted', async () => {
    expect(running.length).toBeGreaterThan(0);
    const starts = await waitFor('retention to delete the oldest input segments', 2 * RETENTION_CHECK_INTERVAL_MS + 30_000, async () => {
      const offsets = await kafka.logStartOffsets(INPUT_TOPIC);
      return offsets.every((o) => o > 0) ? offsets : undefined;
    });
    const disk = starts.map((_, p) => partitionDiskBytes(kafka, INPUT_TOPIC, p));
    log('input topic after the stream', { logStartOffsets: starts, diskBytes: disk });
    for (const bytes of disk) expect(bytes).toBeLessThanOrEqual(PARTITION_BUDGET);
    const now = await waitForJobsRunning(flink, running.map((j) => j.name));
    expect(now.map((j) => j.jid)).toEqual(running.map((j) => j.jid));
    // A restart follows a failure, which the job's exception history keeps.
    for (const job of running) {
      const { exceptionHistory } = await flink.rest<{ exceptionHistory: { entries: { exceptionName: string }[] } }>(`/jobs/${job.jid}/exceptions`);
      expect({ job: job.name, failures: exceptionHistory.entries.map((e) => e.exceptionName) }).toEqual({ job: job.name, failures: [] });
    }
  }, 5 * 60_000);

  it('keeps checkpoints far smaller than the Kubernetes checkpoint claim after twelve hours', async () => {
    const sizes: Record<string, number> = {};
    for (const job of running) {
      const stats = await flink.rest<{ latest: { completed: { state_size: number } | null } }>(`/jobs/${job.jid}/checkpoints`);
      sizes[job.name] = stats.latest.completed?.state_size ?? Number.NaN;
    }
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    log('latest checkpoint state size', { bytesByJob: sizes, totalBytes: total });
    // Each job keeps one checkpoint and writes the next beside it: twice the total, with room for ten
    // times this much play.
    expect(total).toBeGreaterThan(0);
    expect(2 * total * 10).toBeLessThan(DEFAULT_CHECKPOINT_STORAGE_GIB * 1024 * MIB);
  }, 60_000);
});
