/**
 * The injector's Avro output against a real broker and the project's schema registry, checked with a
 * third-party Confluent decoder: every event of a seeded run arrives once and equals the same run's
 * JSON; a registry that is down at start is waited for (said once); a later schema version is
 * registered and written; an incompatible one stops the injector with the registry's reason.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SchemaRegistry as ConfluentClient } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { SCHEMA_REGISTRY_ENV } from '../../common/contract';
import { KafkaBroker, freePorts, kafkaCheck, startKafka } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';
import { Registry, startRegistry, stopRegistry } from '../../test-support/schema-registry';
import { logLines, runCli, startCli } from './cli-harness';

const root = resolve(__dirname, '..', '..');
const v1 = readFileSync(join(root, 'common', 'contract', 'user-score.avsc'), 'utf8');
const withField = (field: unknown) => JSON.stringify({ ...JSON.parse(v1), fields: [...(JSON.parse(v1) as { fields: unknown[] }).fields, field] });
const EVENTS = 3000;
const run = (topic: string, registryUrl: string, bootstrap: string, ...extra: string[]) => [
  '--format', 'avro', '--schema-registry-url', registryUrl, '--bootstrap-servers', bootstrap, '--topic', topic,
  '--clock', 'synthetic', '--seed', '7', '--max-events', String(EVENTS), '--progress-interval', '0', ...extra,
];

/** Every record value of `topic`, decoded by the Confluent client, with the schema id it carried. */
async function readAvro(bootstrap: string, topic: string, client: ConfluentClient): Promise<{ id: number; value: Record<string, unknown> }[]> {
  const kafka = new Kafka({ clientId: 'avro-test-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  await admin.disconnect();
  const values: Buffer[] = [];
  const consumer = kafka.consumer({ groupId: `avro-test-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`read ${values.length} of ${total} records in 60 s`)), 60_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!);
        if (values.length >= total) {
          clearTimeout(timer);
          done();
        }
      },
    });
  });
  await consumer.disconnect();
  return Promise.all(values.map(async (v) => ({ id: v.readUInt32BE(1), value: (await client.decode(v)) as Record<string, unknown> })));
}

const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describeWith([kafkaCheck])('injector, Avro through the schema registry', () => {
  let broker: KafkaBroker;
  let registry: Registry | undefined;
  let registryEnv: Record<string, string>;
  let url: string;
  let client: ConfluentClient;
  let json: Record<string, unknown>[];

  beforeAll(async () => {
    broker = await startKafka({ startTimeoutMs: 240_000 });
    const [port] = await freePorts(1);
    registryEnv = { [SCHEMA_REGISTRY_ENV.kafkaBootstrapServers]: broker.bootstrapServers, [SCHEMA_REGISTRY_ENV.port]: String(port) };
    url = `http://127.0.0.1:${port}`;
    client = new ConfluentClient({ host: url });
    const printed = await runCli(['--output', 'print', '--clock', 'synthetic', '--seed', '7', '--max-events', String(EVENTS), '--progress-interval', '0']);
    json = printed.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }, 300_000);

  afterAll(async () => {
    await stopRegistry(registry);
    await broker?.stop();
  }, 90_000);

  it('waits for a registry that is down at start, saying so once, then writes every event once, equal to the JSON run', async () => {
    const injector = await startCli(run('avro-events', url, broker.bootstrapServers), { timeoutMs: 120_000 });
    for (let i = 0; i < 100 && !/schema registry unavailable/.test(injector.stderrSoFar()); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3_000));
    registry = await startRegistry(registryEnv);
    const result = await injector.done;
    expect(result.code).toBe(0);
    const messages = logLines(result.stderr).map((l) => l.msg);
    expect(messages.filter((m) => m === 'schema registry unavailable; retrying with backoff')).toHaveLength(1);
    expect(messages).toContain('schema registry available again');
    const records = await readAvro(broker.bootstrapServers, 'avro-events', client);
    expect(new Set(records.map((r) => r.id))).toEqual(new Set([1]));
    expect(records).toHaveLength(EVENTS);
    expect(sorted(records.map((r) => r.value))).toEqual(sorted(json));
  }, 180_000);

  it('registers a later version with one more optional field and writes with it; old and new records both decode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avro-schema-'));
    writeFileSync(join(dir, 'v2.avsc'), withField({ name: 'device', type: ['null', 'string'], default: null }));
    const result = await runCli(run('avro-events', url, broker.bootstrapServers, '--avro-schema-file', join(dir, 'v2.avsc')), { timeoutMs: 120_000 });
    expect(result.code).toBe(0);
    expect(logLines(result.stderr).find((l) => l.msg === 'event schema registered')).toMatchObject({ subject: 'avro-events-value', id: 2 });
    const records = await readAvro(broker.bootstrapServers, 'avro-events', client);
    expect(records.filter((r) => r.id === 2)).toHaveLength(EVENTS);
    expect(records.filter((r) => r.id === 2).map((r) => r.value.device)).toEqual(new Array(EVENTS).fill(null));
    expect(sorted(records.filter((r) => r.id === 1).map((r) => r.value))).toEqual(sorted(json));
  }, 180_000);

  it('stops in one line with the registry\'s reason when its schema is incompatible, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'avro-schema-'));
    writeFileSync(join(dir, 'bad.avsc'), withField({ name: 'level', type: 'int' }));
    const result = await runCli(run('avro-events', url, broker.bootstrapServers, '--avro-schema-file', join(dir, 'bad.avsc')), { timeoutMs: 60_000 });
    expect(result.code).toBe(1);
    const errors = logLines(result.stderr).filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toMatch(/refused the event schema for subject avro-events-value \(HTTP 409: .*incompatible/);
    expect(await readAvro(broker.bootstrapServers, 'avro-events', client)).toHaveLength(2 * EVENTS);
  }, 60_000);
});
