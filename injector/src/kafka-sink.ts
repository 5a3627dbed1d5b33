/**
 * Kafka delivery: one ordered queue of batches per partition, one produce request in flight per
 * partition, idempotent producer with acks=all.
 *
 * Why per partition: KafkaJS's idempotent producer rolls a partition's sequence numbers back when a
 * request fails. Two concurrent sends to the same partition could then reuse each other's
 * sequence numbers, and the broker would take the second for a duplicate of the first and drop it.
 * With at most one request per partition in flight, a failed batch can simply be sent again: same
 * sequence numbers, so the broker keeps it exactly once whether or not the first attempt landed.
 * Each request touches a single partition, hence a single broker, so a send either fully succeeds
 * or is fully retried.
 *
 * Batches are as large as the broker accepts (--max-batch-bytes): fewer round trips is what raises
 * throughput. KafkaJS's per-message costs on that path are cut by the bundle (src/kafkajs-fast/).
 */
import { Admin, Kafka, logLevel, LogEntry, Message, Partitioners, Producer } from 'kafkajs';
import { KafkaClientSecurity, PLAINTEXT, kafkajsSecurity } from '../../common/kafka-client';
import { KafkaLogForwarder } from './kafka-log';
import { Logger } from './log';
import { partitionOf } from './murmur2';
import { Sink, SinkStats } from './sink';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  /** @default PLAINTEXT */
  readonly security?: KafkaClientSecurity;
  readonly saslPassword?: string;
  readonly topic: string;
  /** Partitions when the topic is created; an existing topic keeps its own count. */
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Most events held (queued or in flight) before write() asks the caller to wait. */
  readonly bufferSize: number;
  readonly batchSize: number;
  readonly maxBatchBytes: number;
  readonly clientId?: string;
}

interface Batch {
  readonly messages: Message[];
  bytes: number;
}

/** Per-record overhead in a v2 record batch (attributes, varint lengths, deltas), an upper bound. */
const RECORD_OVERHEAD_BYTES = 24;
const RETRY_INITIAL_MILLIS = 300;
const RETRY_MAX_MILLIS = 10000;
const DISCONNECT_TIMEOUT_MILLIS = 5000;
/**
 * KafkaJS serialises an idempotent producer's requests to a broker, so one producer keeps at most
 * one request in flight per broker. Several producers, each owning its own partitions (and hence its
 * own sequence numbers), keep several requests in flight.
 */
const MAX_PRODUCERS = 8;

export class KafkaSink implements Sink {
  private kafka: Kafka | undefined;
  /** Partition p is written only by producers[p % producers.length]. */
  private readonly producers: Producer[] = [];
  private partitionCount = 0;
  private queues: Batch[][] = [];
  private sending: boolean[] = [];
  private kicked: boolean[] = [];
  private attemptStartedAt: (number | undefined)[] = [];
  private accepted = 0;
  private delivered = 0;
  private errors = 0;
  private pending = 0;
  private fatal: Error | undefined;
  private readyWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private fail: (e: Error) => void = () => {};
  private readonly kafkaLog: KafkaLogForwarder;
  readonly failed: Promise<Error>;

  constructor(
    private readonly options: KafkaSinkOptions,
    private readonly logger: Logger,
  ) {
    this.kafkaLog = new KafkaLogForwarder(logger);
    this.failed = new Promise((resolve) => {
      this.fail = resolve;
    });
  }

  async start(): Promise<void> {
    const { logger } = this;
    this.kafka = new Kafka({
      clientId: this.options.clientId ?? 'leaderboard-injector',
      brokers: [...this.options.brokers],
      ...kafkajsSecurity(this.options.security ?? PLAINTEXT, this.options.saslPassword),
      connectionTimeout: 3000,
      // Kafka being down is never fatal: every layer retries, with backoff capped at RETRY_MAX_MILLIS.
      retry: { initialRetryTime: RETRY_INITIAL_MILLIS, maxRetryTime: RETRY_MAX_MILLIS, retries: Number.MAX_SAFE_INTEGER },
      logLevel: logLevel.INFO,
      logCreator: () => (entry: LogEntry) => this.kafkaLog.forward(entry),
    });
    logger.info('connecting to kafka', { brokers: this.options.brokers, topic: this.options.topic });
    const admin = this.kafka.admin();
    await admin.connect();
    this.kafkaLog.recovered();
    try {
      this.partitionCount = await ensureTopic(admin, this.options, logger);
    } finally {
      await admin.disconnect();
    }
    const producerCount = Math.min(this.partitionCount, MAX_PRODUCERS);
    for (let i = 0; i < producerCount; i++) {
      const producer = this.kafka.producer({
        idempotent: true,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { initialRetryTime: RETRY_INITIAL_MILLIS, maxRetryTime: RETRY_MAX_MILLIS, retries: Number.MAX_SAFE_INTEGER },
      });
      this.producers.push(producer);
      await producer.connect();
    }
    for (let p = 0; p < this.partitionCount; p++) {
      this.queues.push([]);
      this.sending.push(false);
      this.kicked.push(false);
      this.attemptStartedAt.push(undefined);
    }
    logger.info('kafka ready', { topic: this.options.topic, partitions: this.partitionCount, producers: producerCount });
  }

  write(key: string, value: string | Buffer): boolean {
    const p = partitionOf(key, this.partitionCount);
    const queue = this.queues[p];
    // String length equals byte length for the injector's ASCII events (a Buffer's is its byte length).
    const size = key.length + value.length + RECORD_OVERHEAD_BYTES;
    let batch = queue.length > 0 ? queue[queue.length - 1] : undefined;
    if (batch === undefined || batch.messages.length >= this.options.batchSize || batch.bytes + size > this.options.maxBatchBytes) {
      batch = { messages: [], bytes: 0 };
      queue.push(batch);
    }
    batch.messages.push({ key, value, partition: p });
    batch.bytes += size;
    this.accepted++;
    this.pending++;
    if (!this.sending[p] && !this.kicked[p]) {
      // Deferred so that the events written in the same turn of the event loop share the request.
      this.kicked[p] = true;
      setImmediate(() => {
        this.kicked[p] = false;
        void this.pump(p);
      });
    }
    return this.pending < this.options.bufferSize;
  }

  ready(): Promise<void> {
    if (this.fatal !== undefined || this.pending <= this.resumeLevel()) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async close(timeoutMillis: number): Promise<SinkStats> {
    if (this.pending > 0 && this.fatal === undefined) {
      this.logger.info('flushing', { pending: this.pending, timeoutSeconds: timeoutMillis / 1000 });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMillis);
        }),
      ]);
      clearTimeout(timer);
    }
    if (this.producers.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.producers.map((producer) => producer.disconnect())).catch((e: Error) =>
          this.logger.warn('kafka disconnect failed', { error: e.message }),
        ),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, DISCONNECT_TIMEOUT_MILLIS);
        }),
      ]);
      clearTimeout(timer);
    }
    return this.stats();
  }

  stats(): SinkStats {
    const now = Date.now();
    const oldest = this.attemptStartedAt.reduce<number>((acc, t) => (t === undefined ? acc : Math.max(acc, now - t)), 0);
    return {
      accepted: this.accepted,
      delivered: this.delivered,
      errors: this.errors + this.kafkaLog.problems,
      pending: this.pending,
      oldestAttemptMillis: oldest,
    };
  }

  private resumeLevel(): number {
    return Math.floor((this.options.bufferSize * 3) / 4);
  }

  private async pump(p: number): Promise<void> {
    if (this.sending[p]) return;
    this.sending[p] = true;
    const queue = this.queues[p];
    while (queue.length > 0 && this.fatal === undefined) {
      const batch = queue.shift() as Batch;
      if (!(await this.deliver(p, batch))) break;
      this.delivered += batch.messages.length;
      this.pending -= batch.messages.length;
      if (this.pending <= this.resumeLevel()) this.wake(this.readyWaiters.splice(0));
    }
    this.sending[p] = false;
    if (this.pending === 0 || this.fatal !== undefined) this.wake(this.idleWaiters.splice(0));
  }

  /** Sends one batch until the broker acknowledges it; false only on an error that retrying cannot fix. */
  private async deliver(p: number, batch: Batch): Promise<boolean> {
    const producer = this.producers[p % this.producers.length];
    for (let attempt = 0; ; attempt++) {
      this.attemptStartedAt[p] = Date.now();
      try {
        await producer.send({ topic: this.options.topic, acks: -1, messages: batch.messages });
        this.attemptStartedAt[p] = undefined;
        this.kafkaLog.recovered();
        if (attempt > 0) this.logger.info('kafka delivery resumed', { partition: p, attempts: attempt + 1 });
        return true;
      } catch (e) {
        const error = e as Error;
        this.errors++;
        const permanent = permanentCause(error);
        if (permanent !== undefined) {
          this.attemptStartedAt[p] = undefined;
          this.fatal = new Error(`kafka rejected a batch for partition ${p}: ${permanent.message}`);
          this.logger.error('kafka delivery failed permanently', { partition: p, events: batch.messages.length, error: permanent.message });
          this.fail(this.fatal);
          this.wake(this.readyWaiters.splice(0));
          return false;
        }
        const retryInMillis = Math.min(RETRY_MAX_MILLIS, RETRY_INITIAL_MILLIS * 2 ** Math.min(attempt, 10));
        this.logger.warn('kafka send failed; retrying the same batch', {
          partition: p,
          events: batch.messages.length,
          attempt: attempt + 1,
          retryInMillis,
          error: error.message,
        });
        await new Promise((resolve) => setTimeout(resolve, retryInMillis));
      }
    }
  }

  private wake(waiters: (() => void)[]): void {
    for (const w of waiters) w();
  }
}

async function ensureTopic(admin: Admin, options: KafkaSinkOptions, logger: Logger): Promise<number> {
  // Listing first keeps an existing topic from producing KafkaJS's "Topic creation errors" log line.
  if (!(await admin.listTopics()).includes(options.topic)) {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: options.topic, numPartitions: options.partitions, replicationFactor: options.replicationFactor }],
    });
    if (created) logger.info('created topic', { topic: options.topic, partitions: options.partitions, replicationFactor: options.replicationFactor });
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [options.topic] });
  const partitions = metadata.topics[0].partitions.length;
  if (partitions !== options.partitions) {
    logger.info('the topic exists with another partition count; using it as is', { topic: options.topic, partitions });
  }
  return partitions;
}

/** KafkaJS marks errors that a retry cannot fix (authorization, record too large, ...) retriable=false. */
function permanentCause(error: Error): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const e = current as Error & { retriable?: boolean; type?: string; cause?: unknown };
    if (e.name === 'KafkaJSProtocolError' && e.retriable === false) return e;
    current = e.cause;
  }
  return undefined;
}
