/**
 * The registry's storage: a compacted single-partition Kafka topic, read from its start on every
 * start (so a restarted or moved registry knows everything) and followed after that. A write is a
 * record appended to the topic that counts once it comes back from it, so what the API answered is
 * what the next start reads.
 */
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Consumer, Kafka, Producer } from 'kafkajs';
import { Logger, errorMessage } from '../../common/log';
import { LogRecord, RegistryState } from './registry-state';

export interface SchemaLogOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Used when the registry creates the topic. */
  readonly replicationFactor: number;
  readonly logger: Logger;
  /** How long a start waits to read the topic up to its end, and a write for its record to come back. */
  readonly timeoutMs?: number;
}

export class SchemaLog {
  private applied = -1;
  private readonly waiting: { offset: number; done: () => void }[] = [];

  private constructor(
    private readonly options: SchemaLogOptions,
    private readonly consumer: Consumer,
    private readonly producer: Producer,
  ) {}

  /** Opens the topic (creating it if absent) and applies all it holds to `state` before returning. */
  static async open(options: SchemaLogOptions, state: RegistryState): Promise<SchemaLog> {
    const { kafka, topic, logger } = options;
    const end = await ensureTopic(options);
    const consumer = kafka.consumer({ groupId: `leaderboard-schema-registry-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    const log = new SchemaLog(options, consumer, producer);
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        state.apply(parseJson(message.key), parseJson(message.value));
        log.reached(Number(message.offset));
      },
    });
    logger.info('reading the schemas topic', { topic, records: end });
    await log.until(end - 1, `read the schemas topic ${topic} up to offset ${end}`);
    if (state.skipped > 0) logger.warn('skipped records of the schemas topic this registry cannot read', { topic, skipped: state.skipped });
    logger.info('schemas topic read', { topic, subjects: state.subjectNames().length });
    return log;
  }

  /** Appends `record` and resolves once it has been applied to the state. */
  async append(record: LogRecord): Promise<void> {
    const [sent] = await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [{ key: JSON.stringify(record.key), value: JSON.stringify(record.value) }],
    });
    await this.until(Number(sent.baseOffset), `read back the record written at offset ${sent.baseOffset} of ${this.options.topic}`);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
  }

  private reached(offset: number): void {
    this.applied = offset;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i].offset <= offset) this.waiting.splice(i, 1)[0].done();
    }
  }

  private until(offset: number, what: string): Promise<void> {
    if (offset <= this.applied) return Promise.resolve();
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const entry = {
        offset,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(new Error(`could not ${what} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.push(entry);
    });
  }
}

/** Creates the topic if absent and returns its end offset; refuses a topic that is not one compacted partition. */
/** A schemas topic the registry cannot keep its state in; its message says why, whole. */
class TopicProblem extends Error {}

async function ensureTopic({ kafka, topic, replicationFactor, logger }: SchemaLogOptions): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    if (created) logger.info('created the schemas topic', { topic, replicationFactor });
    const offsets = await admin.fetchTopicOffsets(topic);
    if (offsets.length !== 1) throw new TopicProblem(`the schemas topic ${topic} has ${offsets.length} partitions; the registry needs exactly one (the order of its records is its state)`);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
    const policy = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    if (policy !== 'compact') throw new TopicProblem(`the schemas topic ${topic} has cleanup.policy=${policy}; it must be compact, or retention would delete schemas`);
    return Number(offsets[0].high);
  } catch (err) {
    if (err instanceof TopicProblem) throw err;
    throw new Error(`schemas topic ${topic}: ${errorMessage(err)}`);
  } finally {
    await admin.disconnect();
  }
}

function parseJson(buffer: Buffer | null): unknown {
  if (buffer === null) return null;
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}
