/**
 * The leaderboard jobs reading Avro (Confluent's wire format) through the project's schema registry,
 * on real Kafka and Flink: the event set's valid records as Avro, its malformed ones as records bad in
 * every Avro way (wrong magic byte, unknown schema id, truncated body, empty id, short record); the
 * boards (Avro keys and values under their own subjects) equal the oracle's, on the dashboard too, and
 * every bad record is skipped and counted. A registry that is down when the jobs start makes them
 * restart until it answers, and they then reach the same boards; a dashboard starting then says so.
 */
import { METRICS, SCHEMA_REGISTRY_ENV } from '../../common/contract';
import { avroRecords } from '../../test-support/avro-events';
import { avroBoards, avroInput, isValidEvent, registerEventSchema, registryAtUrl } from '../../test-support/input-codecs';
import { KeyedRecord } from '../../test-support/kafka';
import { expectedLeaderboards, generateEventSet } from '../../test-support/event-set';
import { flinkCheck } from '../../test-support/flink';
import { freePorts, kafkaCheck, produceRecords } from '../../test-support/kafka';
import { readKafkaBoards } from '../../test-support/leaderboard-readers';
import { postgresCheck } from '../../test-support/postgres';
import { describeWith } from '../../test-support/prerequisites';
import { Registry, startRegistry, stopRegistry } from '../../test-support/schema-registry';
import { PipelineServices, settleBoards, startPipelineServices, submitJobs, waitForJobsRunning } from '../../test-support/session-jobs';
import { tempDir } from '../../test-support/temp-dirs';
import { renderJobs } from '../src/render';
import { createLogger } from '../../dashboard/src/log';
import { PipelineWatch } from '../../dashboard/src/pipeline-watch';
import { eventually, getJson, runDashboard } from '../../dashboard/test/helpers';
import { expectDashboardServes } from '../../test-support/deploy-checks';

const INPUT_TOPIC = 'user-score';
const PARTITIONS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'avro-input.int.test', msg, ...fields })}\n`);

describeWith([flinkCheck, kafkaCheck, postgresCheck])('leaderboard jobs on Avro input through the schema registry', () => {
  const set = generateEventSet({ partitions: PARTITIONS });
  const expected = expectedLeaderboards(set);
  let services: PipelineServices;
  let registry: Registry | undefined;
  let registryEnv: Record<string, string>;
  let registryUrl: string;
  let bad: Record<string, number>;
  let records: KeyedRecord[];
  const scriptsDir = tempDir('avro-jobs');

  beforeAll(async () => {
    services = await startPipelineServices(INPUT_TOPIC, PARTITIONS);
    const [port] = await freePorts(1);
    registryEnv = { [SCHEMA_REGISTRY_ENV.kafkaBootstrapServers]: services.kafka.bootstrapServers, [SCHEMA_REGISTRY_ENV.port]: String(port) };
    registry = await startRegistry(registryEnv);
    registryUrl = registry.url;
    const avro = avroRecords(set, await registerEventSchema(registryAtUrl(registryUrl), INPUT_TOPIC));
    bad = avro.bad;
    records = avro.records;
    await produceRecords(services.kafka.bootstrapServers, INPUT_TOPIC, avro.records);
    log('produced', { records: avro.records.length, valid: set.valid.length, bad });
  }, 15 * 60_000);

  afterAll(async () => {
    await stopRegistry(registry);
    await services?.stop();
  }, 120_000);

  const jobs = () =>
    renderJobs({
      sink: { variant: 'kafka' },
      kafkaBootstrapServers: services.kafka.bootstrapServers,
      inputTopic: INPUT_TOPIC,
      startupMode: 'earliest',
      layout: 'statement-set',
      events: { format: 'avro', schemaRegistryUrl: registryUrl },
    });

  function submit(): string[] {
    const rendered = jobs();
    const result = submitJobs(services.flink, rendered, scriptsDir);
    if (result.status !== 0) throw new Error(`submitter failed (exit ${result.status}):\n${result.stderr}`);
    return rendered.map((j) => j.name);
  }

  async function skippedAsTheDashboardSees(total: number): Promise<number | null> {
    const watch = new PipelineWatch({ restUrl: services.flink.restUrl, intervalMs: 1000, logger: createLogger('error'), onChange: () => undefined });
    watch.start();
    try {
      const deadline = Date.now() + 30_000;
      while (watch.status().skippedRecords !== total && Date.now() < deadline) await sleep(500);
      return watch.status().skippedRecords;
    } finally {
      watch.stop();
    }
  }

  it('turns every malformed record of the set into a bad Avro record of each kind, which the oracle\'s Avro rule skips', async () => {
    const malformed = Object.values(set.malformed).reduce((a, b) => a + b, 0);
    expect(Object.values(bad).reduce((a, b) => a + b, 0)).toBe(malformed);
    for (const [kind, count] of Object.entries(bad)) expect([kind, count >= 50]).toEqual([kind, true]);
    const codec = await avroInput(registryAtUrl(registryUrl), INPUT_TOPIC);
    const values = records.map((r) => r.value as Buffer);
    await codec.prepare(values);
    expect(values.map((v) => codec.parse(v)).filter(isValidEvent)).toEqual(set.valid);
  });

  /** A dashboard of the Avro boards, as the stack runs it. */
  const avroDashboard = () =>
    runDashboard(['--source', 'kafka', '--kafka-bootstrap-servers', services.kafka.bootstrapServers, '--schema-registry-url', registryUrl]);

  it('equals the oracle on every board, written as Avro under their subjects and shown by the dashboard, the bad Avro records skipped and counted', async () => {
    await waitForJobsRunning(services.flink, submit());
    const difference = await settleBoards(expected, () => readKafkaBoards(services.kafka.bootstrapServers, avroBoards(registryAtUrl(registryUrl))), { quietMs: 25_000, timeoutMs: 8 * 60_000, log });
    const total = Object.values(bad).reduce((a, b) => a + b, 0);
    const skipped = await skippedAsTheDashboardSees(total);
    expect(difference).toBeUndefined();
    expect(skipped).toBe(total);
    const subjects = (await registryAtUrl(registryUrl)('/subjects')) as string[];
    expect(subjects.sort()).toEqual([`${INPUT_TOPIC}-value`, ...METRICS.flatMap((m) => [`${m.topic}-key`, `${m.topic}-value`])].sort());
    const dashboard = await avroDashboard();
    try {
      await expectDashboardServes(dashboard.url, expected);
    } finally {
      await dashboard.close();
    }
  }, 15 * 60_000);

  it('restarts while the registry is down at start, skipping nothing, and reads everything once it answers', async () => {
    await services.flink.cancelAllJobs();
    await stopRegistry(registry);
    registry = undefined;
    const [job] = await waitForJobsRunning(services.flink, submit());
    let failures: string[] = [];
    for (let i = 0; i < 90 && failures.length === 0; i++) {
      await sleep(1000);
      const history = await services.flink.rest<{ exceptionHistory?: { entries: { exceptionName: string; stacktrace: string }[] } }>(`/jobs/${job.jid}/exceptions`);
      failures = (history.exceptionHistory?.entries ?? []).map((e) => e.stacktrace);
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/Connection refused/);
    // A dashboard starting now cannot read the Avro boards: it says the registry is down, and skips nothing.
    const dashboard = await avroDashboard();
    try {
      const health = await eventually(async () => {
        const { status, body } = await getJson(`${dashboard.url}/healthz`);
        return status === 503 && body.down === 'schema-registry' ? body : undefined;
      }, 60_000, 'the dashboard to report the registry down');
      expect(health.source.detail).toMatch(new RegExp(`^schema registry at ${registryUrl} unreachable`));
      expect((await getJson(`${dashboard.url}/api/leaderboards`)).body.boards.top_teams.rows).toEqual([]);
      registry = await startRegistry(registryEnv);
      await expectDashboardServes(dashboard.url, expected);
    } finally {
      await dashboard.close();
    }
    // The new job's own count: exactly the bad records once it has read the whole topic, so no valid
    // record was taken for a bad one while the registry was away.
    const total = Object.values(bad).reduce((a, b) => a + b, 0);
    const deadline = Date.now() + 5 * 60_000;
    let skipped: number | null = null;
    while (skipped !== total && Date.now() < deadline) skipped = await skippedAsTheDashboardSees(total);
    expect(skipped).toBe(total);
    const difference = await settleBoards(expected, () => readKafkaBoards(services.kafka.bootstrapServers, avroBoards(registryAtUrl(registryUrl))), { quietMs: 25_000, timeoutMs: 8 * 60_000, log });
    expect(difference).toBeUndefined();
  }, 15 * 60_000);
});
