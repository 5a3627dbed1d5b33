/**
 * The schema registry as a process against a real broker, driven by a third-party Confluent client
 * (@kafkajs/confluent-schema-registry) and by plain HTTP: schemas survive a restart because the topic
 * is the state, compatibility is enforced, and bad requests and settings get Confluent's error codes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SchemaRegistry as ConfluentClient } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { SCHEMA_REGISTRY_ENV as ENV } from '../../common/contract';
import { KafkaBroker, freePorts, kafkaCheck, startKafka } from '../../test-support/kafka';
import { describeWith } from '../../test-support/prerequisites';
import { Registry, startRegistry, stopRegistry } from '../../test-support/schema-registry';

const root = resolve(__dirname, '..', '..');
const v1 = readFileSync(join(root, 'common', 'contract', 'user-score.avsc'), 'utf8');
const fields = (JSON.parse(v1) as { fields: unknown[] }).fields;
const v2 = JSON.stringify({ ...JSON.parse(v1), fields: [...fields, { name: 'device', type: ['null', 'string'], default: null }] });
const incompatible = JSON.stringify({ ...JSON.parse(v1), fields: [...fields, { name: 'device', type: 'string' }] });
const event = { user_id: 'USR-07-0412953851', team_id: '0412953851', team_name: 'Amber-Koala', score: 17, event_time_millis: 1795719600123, readable_time: '2026-11-26 19:00:00.123', event_type: 'normal' };

async function http(url: string, method: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeWith([kafkaCheck])('schema registry against a real broker', () => {
  let broker: KafkaBroker;
  let registry: Registry | undefined;
  let env: Record<string, string>;
  let client: ConfluentClient;

  beforeAll(async () => {
    broker = await startKafka({ startTimeoutMs: 240_000 });
    const [port] = await freePorts(1);
    env = { [ENV.kafkaBootstrapServers]: broker.bootstrapServers, [ENV.port]: String(port) };
    registry = await startRegistry(env);
    client = new ConfluentClient({ host: registry.url });
  }, 300_000);

  afterAll(async () => {
    await stopRegistry(registry);
    await broker?.stop();
  }, 90_000);

  it('registers the event schema for a Confluent client, whose records then round-trip', async () => {
    expect(registry!.url).not.toBe('');
    const { id } = await client.register({ type: 'AVRO' as never, schema: v1 } as never, { subject: 'user-score-value' });
    expect(id).toBe(1);
    const encoded = await client.encode(id, event);
    expect(encoded.subarray(0, 5)).toEqual(Buffer.from([0, 0, 0, 0, 1]));
    expect(await client.decode(encoded)).toEqual(event);
    expect(await client.getLatestSchemaId('user-score-value')).toBe(1);
  });

  it('keeps its schemas in a compacted topic of one partition, in Confluent\'s record layout', async () => {
    const admin = new Kafka({ clientId: 'registry-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: ['_schemas'] })).topics;
      expect(metadata.partitions).toHaveLength(1);
      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: '_schemas', configNames: ['cleanup.policy'] }] });
      expect(configs.resources[0].configEntries[0].configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('registers a second version with one more optional field under BACKWARD, and refuses an incompatible one with 409', async () => {
    const { id } = await client.register({ type: 'AVRO' as never, schema: v2 } as never, { subject: 'user-score-value' });
    expect(id).toBe(2);
    await expect(client.register({ type: 'AVRO' as never, schema: incompatible } as never, { subject: 'user-score-value' })).rejects.toThrow(
      /incompatible with an earlier schema for subject "user-score-value": it cannot read records written with an earlier version \(BACKWARD\)/,
    );
    const check = await http(`${registry!.url}/compatibility/subjects/user-score-value/versions/latest?verbose=true`, 'POST', { schema: incompatible });
    expect(check.body.is_compatible).toBe(false);
    expect(check.body.messages).toEqual([expect.stringMatching(/cannot read records written with an earlier version \(BACKWARD\): cannot read "null" as "string"/)]);
    // A v1 record still decodes after v2 arrived: the id it carries names its writer's schema.
    expect(await client.decode(await client.encode(1, event))).toEqual(event);
  });

  it('answers after a restart with every subject, version and id it had, and goes on numbering', async () => {
    await stopRegistry(registry);
    registry = await startRegistry(env);
    expect((await http(`${registry.url}/subjects`, 'GET')).body).toEqual(['user-score-value']);
    expect((await http(`${registry.url}/subjects/user-score-value/versions`, 'GET')).body).toEqual([1, 2]);
    expect((await http(`${registry.url}/schemas/ids/2`, 'GET')).body).toEqual({ schema: JSON.stringify(JSON.parse(v2)) });
    expect((await http(`${registry.url}/config/user-score-value`, 'GET')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const key = JSON.stringify({ type: 'record', name: 'TopTeamsKey', namespace: 'leaderboard.boards', fields: [{ name: 'rnk', type: 'long' }] });
    expect((await http(`${registry.url}/subjects/top-teams-key/versions`, 'POST', { schema: key })).body).toEqual({ id: 3 });
  });

  it.each([
    ['an unknown schema id', 'GET', '/schemas/ids/99', undefined, 404, 40403],
    ['an unknown subject', 'GET', '/subjects/nope/versions', undefined, 404, 40401],
    ['an unknown version', 'GET', '/subjects/user-score-value/versions/9', undefined, 404, 40402],
    ['a body that is not JSON', 'POST', '/subjects/x/versions', '{"schema":', 400, 400],
    ['a schema that is not Avro', 'POST', '/subjects/x/versions', { schema: '{"type":"recrod"}' }, 422, 42201],
    ['another schema type', 'POST', '/subjects/x/versions', { schema: '{}', schemaType: 'PROTOBUF' }, 422, 42201],
    ['an unknown compatibility level', 'PUT', '/config/x', { compatibility: 'SOMETIMES' }, 422, 42203],
    ['a deletion', 'DELETE', '/subjects/user-score-value', undefined, 405, 405],
    ['an unknown path', 'GET', '/nothing/here', undefined, 404, 404],
  ])('refuses %s with its Confluent error code', async (_what, method, path, body, status, code) => {
    const response = await http(`${registry!.url}${path}`, method, body);
    expect([response.status, response.body.error_code]).toEqual([status, code]);
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('stops at start with the variable named when a setting is wrong', async () => {
    const bad = await startRegistry({ ...env, [ENV.kafka.securityProtocol]: 'SASL_SSL' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/SCHEMA_REGISTRY_KAFKA_SASL_USERNAME: security protocol SASL_SSL needs a SASL user name/);
  }, 60_000);

  it('refuses a schemas topic that retention would empty', async () => {
    await broker.createTopic('deleting-schemas', 1, { 'cleanup.policy': 'delete' });
    const [port] = await freePorts(1);
    const bad = await startRegistry({ ...env, [ENV.port]: String(port), [ENV.topic]: 'deleting-schemas' });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/cleanup.policy=delete; it must be compact/);
  }, 60_000);
});
