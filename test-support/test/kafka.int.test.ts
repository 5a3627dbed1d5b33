import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBroker, kafkaCheck, startKafka } from '../kafka';
import { describeWith } from '../prerequisites';

interface Received {
  partition: number;
  key: string;
  value: string;
}

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group, within a bound. */
async function consume(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId: `test-${topic}-${Date.now()}` });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${count} messages of '${topic}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describeWith([kafkaCheck])('startKafka: a real KRaft broker', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startKafka();
    kafka = new Kafka({ clientId: 'kafka-fixture-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
  }, 60_000);

  it('listens on loopback only', () => {
    expect(broker.bootstrapServers).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('delivers keyed messages across the partitions of a topic it created', async () => {
    await broker.createTopic('user-score', 3);
    const producer = kafka.producer();
    await producer.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `USR-${i}`);
    await producer.send({
      topic: 'user-score',
      messages: keys.map((key, i) => ({ key, value: JSON.stringify({ user_id: key, score: i }) })),
    });
    await producer.disconnect();

    const received = await consume(kafka, 'user-score', keys.length);
    expect(received.map((m) => m.key).sort()).toEqual([...keys].sort());
    expect(JSON.parse(received.find((m) => m.key === 'USR-5')!.value)).toEqual({ user_id: 'USR-5', score: 5 });
    // Same key, same partition: the default partitioner spreads 12 keys over more than one of 3 partitions.
    expect(new Set(received.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it('applies topic configuration and refuses to create a topic twice', async () => {
    await broker.createTopic('top-teams', 1, { 'cleanup.policy': 'compact' });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: 2 /* TOPIC */, name: 'top-teams', configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      expect(described.resources[0].configEntries[0].configValue).toBe('compact');
      const metadata = await admin.fetchTopicMetadata({ topics: ['top-teams'] });
      expect(metadata.topics[0].partitions).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
    await expect(broker.createTopic('top-teams', 1)).rejects.toThrow(/already exists/);
  });

  it('keeps topics and messages across a restart on the same port', async () => {
    await broker.createTopic('durable', 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: [{ key: 'a', value: 'before-restart' }] });
    await producer.disconnect();

    await broker.restart();

    const fresh = new Kafka({ clientId: 'after-restart', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
    const received = await consume(fresh, 'durable', 1);
    expect(received).toEqual([expect.objectContaining({ key: 'a', value: 'before-restart' })]);
  }, 180_000);
});

describeWith([kafkaCheck])('startKafka: stop', () => {
  it('ends the broker process and removes its directory', async () => {
    const broker = await startKafka();
    const port = Number(broker.bootstrapServers.split(':')[1]);
    expect(await accepts(port)).toBe(true);
    await broker.stop();
    expect(await accepts(port)).toBe(false);
    expect(existsSync(path.dirname(broker.logFile))).toBe(false);
    await expect(broker.restart()).rejects.toThrow(/after stop/);
  }, 180_000);
});
