/**
 * Reads what the pipeline produced, for comparison with the oracle: the PostgreSQL tables, the
 * sink topics (latest value per key, tombstones applied; JSON, or Avro through the stack's registry)
 * and every record of the input topic.
 */
import { Kafka, ISocketFactory, logLevel } from 'kafkajs';
import { connect } from 'node:net';
import { Client } from 'pg';
import { Leaderboards, METRICS, POSTGRES_SCHEMA } from '../common/contract';
import { JSON_RECORDS, RecordFormat } from '../common/record-formats';

type Row = Record<string, string | number>;

const boardsFrom = (rowsByMetric: Map<string, Row[]>): Leaderboards => {
  const boards: Record<string, Row[]> = {};
  for (const m of METRICS) boards[m.id] = (rowsByMetric.get(m.id) ?? []).sort((a, b) => Number(a.rnk) - Number(b.rnk));
  return boards as unknown as Leaderboards;
};

/** Coerces PostgreSQL's BIGINT (returned as text by pg) and DOUBLE to numbers, per the contract. */
const typed = (metricId: string, row: Row): Row => {
  const metric = METRICS.find((m) => m.id === metricId)!;
  return Object.fromEntries(metric.columns.map((c) => [c.name, c.type === 'STRING' ? String(row[c.name]) : Number(row[c.name])]));
};

export async function readPostgresBoards(connectionString: string): Promise<Leaderboards> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const rows = new Map<string, Row[]>();
    for (const m of METRICS) {
      const result = await client.query(`SELECT * FROM ${POSTGRES_SCHEMA}.${m.table} ORDER BY rnk`);
      rows.set(m.id, result.rows.map((r: Row) => typed(m.id, r)));
    }
    return boardsFrom(rows);
  } finally {
    await client.end();
  }
}

/**
 * How the test reaches the brokers: bootstrap servers, and optionally the address to dial for each
 * advertised host name (a broker in a cluster advertises names only the cluster resolves).
 */
export interface KafkaAccess {
  readonly bootstrapServers: string;
  readonly dial?: Readonly<Record<string, string>>;
}

const access = (kafka: string | KafkaAccess): KafkaAccess => (typeof kafka === 'string' ? { bootstrapServers: kafka } : kafka);

function kafkaClient(kafka: string | KafkaAccess, clientId: string): Kafka {
  const { bootstrapServers, dial } = access(kafka);
  const socketFactory: ISocketFactory | undefined = dial
    ? ({ host, port, onConnect }) => connect({ host: dial[host] ?? host, port }, onConnect)
    : undefined;
  return new Kafka({ brokers: [bootstrapServers], clientId, logLevel: logLevel.NOTHING, socketFactory });
}

export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Every record of a topic from the beginning up to its end offsets at call time (bounded wait). */
export async function readTopic(broker: string | KafkaAccess, topic: string, timeoutMs = 120_000): Promise<TopicRecord[]> {
  const kafka = kafkaClient(broker, 'leaderboard-test-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `leaderboard-test-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic}: ${records.length} records after ${timeoutMs} ms, partitions left: ${[...remaining.keys()]}`)), timeoutMs);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = remaining.get(partition);
          if (end === undefined || Number(message.offset) >= end) return;
          records.push({ partition, offset: message.offset, key: message.key, value: message.value });
          if (Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Produces records (key, value, optional partition) and waits for the broker's acknowledgement. */
export async function produce(broker: string | KafkaAccess, topic: string, records: { key: string; value: string | Buffer; partition?: number }[]): Promise<void> {
  const producer = kafkaClient(broker, 'leaderboard-test-producer').producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, partition: r.partition })) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * The upsert-Kafka sink topics as boards: latest value per `{"rnk":N}` key, tombstones delete; keys and
 * values in `format` (the stack's Avro boards: a ConfluentAvroReader on its registry). A record that
 * does not decode fails the read: the jobs never write one.
 */
export async function readKafkaBoards(broker: string | KafkaAccess, format: RecordFormat = JSON_RECORDS): Promise<Leaderboards> {
  const rows = new Map<string, Row[]>();
  for (const m of METRICS) {
    const records = await readTopic(broker, m.topic);
    await format.prepare(records.flatMap((r) => [r.key, r.value]));
    const decode = (record: Buffer | null, part: string): Row => {
      const decoded = record === null ? ({ ok: false, reason: 'null' } as const) : format.decode(record);
      if (!decoded.ok) throw new Error(`${m.topic} at ${part}: ${decoded.reason}`);
      return decoded.value as Row;
    };
    const latest = new Map<number, Row>();
    for (const record of records) {
      const rnk = Number(decode(record.key, `key of ${record.offset}`).rnk);
      if (record.value === null) latest.delete(rnk);
      else latest.set(rnk, typed(m.id, decode(record.value, `value of ${record.offset}`)));
    }
    rows.set(m.id, [...latest.values()]);
  }
  return boardsFrom(rows);
}
