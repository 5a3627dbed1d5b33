/**
 * Kafka variant: reads the four compacted topics from the beginning with a consumer group of its own
 * (a fresh group id, nothing committed), so every instance sees every record and a page loaded at any
 * time gets the full current state. Keeps the latest row per rank and applies tombstones. Boards are
 * published only once the log that existed at start has been read, so a start-up replay never shows
 * old states. Offsets already applied are remembered, so the replay after a reconnect changes nothing.
 * Keys and values are JSON, or Avro through a schema registry: a registry that does not answer stops
 * the reading (nothing is skipped for it) and the source reports it down until it answers.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Consumer, EachBatchPayload, Kafka, LogEntry, logLevel } from 'kafkajs';
import { METRICS, MetricDefinition } from '../../../common/contract';
import { LeaderboardStore } from '../board-state';
import { Logger, errorMessage } from '../log';
import { rankOf } from '../rows';
import { KafkaClientSecurity, PLAINTEXT, kafkajsSecurity } from '../../../common/kafka-client';
import { ConfluentAvroReader, JSON_RECORDS, RecordFormat, registrySchemaFetch } from '../../../common/record-formats';
import { LeaderboardSource, SourceStatus, backoffMs } from './source';

const FETCH_WAIT_MS = 500;
/** No completed fetch for this long means the broker is gone, well before kafkajs gives up retrying. */
const STALL_MS = 6_000;
const RESTART_AFTER_MS = 30_000;
/** Give up waiting for the start-up replay to reach the initial end offsets (e.g. trailing markers). */
const CATCH_UP_LIMIT_MS = 30_000;

export interface KafkaSourceOptions {
  brokers: string[];
  /** @default PLAINTEXT */
  security?: KafkaClientSecurity;
  saslPassword?: string;
  clientId: string;
  /**
   * The boards are Avro in Confluent's wire format, their schemas from this registry (its URL).
   * @default - JSON keys and values
   */
  schemaRegistryUrl?: string;
  store: LeaderboardStore;
  logger: Logger;
  onStatus: (status: SourceStatus) => void;
}

export class KafkaSource implements LeaderboardSource {
  private current: SourceStatus;
  private consumer: Consumer | undefined;
  private stopped = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastFetch = 0;
  /** Last applied offset per "topic:partition". */
  private readonly applied = new Map<string, number>();
  /** End offsets to reach before the first publication; emptied once reached. */
  private pending = new Map<string, number>();
  private ready = false;
  private startedAt = 0;
  private readonly byTopic = new Map<string, MetricDefinition>(METRICS.map((m) => [m.topic, m]));
  private readonly format: RecordFormat;
  /** Why the registry failed the last batch, until a batch's schemas are fetched again. */
  private registryProblem: string | undefined;

  constructor(private readonly options: KafkaSourceOptions) {
    this.current = this.makeStatus(false, 'connecting');
    this.format = options.schemaRegistryUrl === undefined ? JSON_RECORDS : new ConfluentAvroReader(registrySchemaFetch(options.schemaRegistryUrl));
  }

  status(): SourceStatus {
    return this.current;
  }

  start(): void {
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) await consumer.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    const kafka = new Kafka({
      clientId: this.options.clientId,
      brokers: this.options.brokers,
      ...kafkajsSecurity(this.options.security ?? PLAINTEXT, this.options.saslPassword),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) =>
        this.options.logger.debug('kafkajs', { namespace: entry.namespace, kafkaLevel: entry.level, message: entry.log.message }),
    });
    const consumer = kafka.consumer({
      groupId: `leaderboard-dashboard-${hostname()}-${randomUUID()}`,
      maxWaitTimeInMs: FETCH_WAIT_MS,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    try {
      if (!this.ready) await this.readEndOffsets(kafka);
      consumer.on(consumer.events.FETCH, () => this.fetched(consumer));
      consumer.on(consumer.events.CRASH, (event) => this.lost(consumer, event.payload.error));
      await consumer.connect();
      await consumer.subscribe({ topics: METRICS.map((m) => m.topic), fromBeginning: true });
      this.startedAt = Date.now();
      this.lastFetch = Date.now();
      await consumer.run({ autoCommit: false, eachBatch: (payload) => this.batch(consumer, payload) });
      this.watchdog = setInterval(() => this.checkStall(consumer), 1_000);
    } catch (err) {
      this.lost(consumer, err);
    }
  }

  private async readEndOffsets(kafka: Kafka): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const pending = new Map<string, number>();
      for (const metric of METRICS) {
        for (const p of await admin.fetchTopicOffsets(metric.topic)) {
          if (Number(p.high) > Number(p.low)) pending.set(`${metric.topic}:${p.partition}`, Number(p.high));
        }
      }
      this.pending = pending;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async batch(consumer: Consumer, { batch }: EachBatchPayload): Promise<void> {
    if (consumer !== this.consumer) return;
    const metric = this.byTopic.get(batch.topic);
    if (metric === undefined) return;
    const { store } = this.options;
    try {
      await this.format.prepare(batch.messages.flatMap((m) => [m.key, m.value]));
      this.registryProblem = undefined;
    } catch (err) {
      // Thrown on, so kafkajs retries the batch and then the consumer is rebuilt (lost()).
      this.registryProblem = `schema registry at ${this.options.schemaRegistryUrl} unreachable: ${errorMessage(err)}`;
      throw err;
    }
    store.recordSourceRead();
    const partitionKey = `${batch.topic}:${batch.partition}`;
    let applied = this.applied.get(partitionKey) ?? -1;
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      if (offset <= applied) continue;
      applied = offset;
      const key = message.key === null ? undefined : this.format.decode(message.key);
      const rank = key?.ok ? rankOf(key.value) : undefined;
      if (rank === undefined) {
        const why = key !== undefined && !key.ok ? `: ${key.reason}` : '';
        store.reject(metric.id, undefined, `key is not {"rnk":N} with N in range${why}`, message.key?.toString() ?? null);
        continue;
      }
      if (message.value === null) {
        store.remove(metric.id, rank);
        continue;
      }
      const value = this.format.decode(message.value);
      if (!value.ok) {
        store.reject(metric.id, rank, `unreadable value: ${value.reason}`, message.value.toString());
        continue;
      }
      store.upsert(metric.id, rank, value.value);
    }
    this.applied.set(partitionKey, applied);
    const target = this.pending.get(partitionKey);
    if (target !== undefined && applied + 1 >= target) this.pending.delete(partitionKey);
    if (this.ready) store.settle(metric.id);
    else this.publishWhenCaughtUp();
  }

  private publishWhenCaughtUp(): void {
    if (this.ready) return;
    const timedOut = Date.now() - this.startedAt > CATCH_UP_LIMIT_MS;
    if (this.pending.size > 0 && !timedOut) return;
    if (this.pending.size > 0) this.options.logger.warn('start-up replay did not reach the end offsets; publishing what was read', { partitions: [...this.pending.keys()] });
    this.ready = true;
    this.pending.clear();
    this.options.store.settleAll();
    this.options.store.markLoaded();
  }

  private fetched(consumer: Consumer): void {
    if (consumer !== this.consumer) return;
    this.lastFetch = Date.now();
    this.publishWhenCaughtUp();
    // A fetch says nothing of the registry: up again only once a batch's schemas were fetched.
    if (!this.current.up && this.registryProblem === undefined) {
      this.attempt = 0;
      this.options.logger.info('source live', { brokers: this.options.brokers });
      this.setStatus(true);
    }
  }

  /** Shows the outage early; rebuilds the consumer if kafkajs neither recovers nor gives up. */
  private checkStall(consumer: Consumer): void {
    if (consumer !== this.consumer) return;
    const silent = Date.now() - this.lastFetch;
    if (silent > RESTART_AFTER_MS) this.lost(consumer, new Error(`no fetch completed for ${silent} ms`));
    else if (silent > STALL_MS && this.current.up) this.setStatus(false, `kafka at ${this.target()} unreachable: no fetch completed for ${silent} ms`);
  }

  private lost(consumer: Consumer, err: unknown): void {
    if (consumer !== this.consumer) return;
    this.consumer = undefined;
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    void consumer.disconnect().catch(() => undefined);
    const registry = this.registryProblem !== undefined;
    const detail = this.registryProblem ?? `kafka at ${this.target()} unreachable: ${errorMessage(err)}`;
    if (this.current.up || this.attempt === 0) this.options.logger.warn('source down; reconnecting', { detail });
    this.setStatus(false, detail, registry);
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.run(), backoffMs(this.attempt++));
  }

  private target(): string {
    return this.options.brokers.join(',');
  }

  private makeStatus(up: boolean, detail?: string, registryDown = false): SourceStatus {
    const [component, target] = registryDown ? (['schema-registry', this.options.schemaRegistryUrl ?? ''] as const) : (['kafka', this.target()] as const);
    return { kind: 'kafka', component, target, up, ...(detail ? { detail } : {}), since: new Date().toISOString() };
  }

  private setStatus(up: boolean, detail?: string, registryDown = false): void {
    if (this.current.up === up && this.current.detail === detail) return;
    this.current = this.makeStatus(up, detail, registryDown);
    this.options.onStatus(this.current);
  }
}
