/**
 * How the pipeline's parts meet: the input topic, the two sink variants and the topics the Kafka one
 * writes, the job layouts and the job names they give, and the environment variable a JDBC job reads
 * its password from.
 */
import { METRICS, MetricId } from './metrics';

/** Topic of the game events, as the injector writes it and the jobs read it. */
export const DEFAULT_INPUT_TOPIC = 'user-score';
/** Partitions of the input topic (docs/boards.md, Input). */
export const INPUT_PARTITIONS = 3;

/** The highest mean event rate the injector takes (events per second); the stacks' configuration checks it too. */
export const MAX_EVENTS_PER_SECOND = 1e7;

/** The input's record values: one JSON object, or Avro in Confluent's wire format with a schema registry (user-score.avsc). */
export type EventFormat = 'json' | 'avro';
export const EVENT_FORMATS: readonly EventFormat[] = ['json', 'avro'];

/** How the jobs decode the input. */
export type EventEncoding = { readonly format: 'json' } | { readonly format: 'avro'; readonly schemaRegistryUrl: string };

export type SinkVariant = 'kafka' | 'jdbc';
export const SINK_VARIANTS: readonly SinkVariant[] = ['kafka', 'jdbc'];

export type StartupMode = 'earliest' | 'latest';
export const STARTUP_MODES: readonly StartupMode[] = ['earliest', 'latest'];

/** One Flink job per metric, or one job running every INSERT as a statement set (one source scan). */
export type JobLayout = 'per-metric' | 'statement-set';
export const JOB_LAYOUTS: readonly JobLayout[] = ['per-metric', 'statement-set'];

/**
 * The statement set: one source scan and validation for all the boards. Measured with
 * bench/flink-sql-layouts.ts (100,553 records, same run, both equal to the oracle): 4.2 s to quiet
 * against 13.6 s for five jobs. The cost: one failure restarts every board.
 */
export const DEFAULT_JOB_LAYOUT: JobLayout = 'statement-set';

export const STATEMENT_SET_JOB_NAME = 'leaderboard-all-metrics';

/** The job's name in the per-metric layout, also its `pipeline.name`, so submitters can find it. */
export const jobNameOf = (metric: MetricId): string => `leaderboard-${metric.replace(/_/g, '-')}`;

/** The metrics each job of a layout computes, by job name. */
export function jobsOf(layout: JobLayout): { readonly name: string; readonly metrics: MetricId[] }[] {
  return layout === 'statement-set'
    ? [{ name: STATEMENT_SET_JOB_NAME, metrics: METRICS.map((m) => m.id) }]
    : METRICS.map((m) => ({ name: jobNameOf(m.id), metrics: [m.id] }));
}

/**
 * Whether a job of the session is one of the pipeline's, in either layout: the session also runs other
 * jobs, such as the SQL client's queries, which say nothing about the boards.
 */
export const isPipelineJob = (name: string): boolean => JOB_LAYOUTS.some((layout) => jobsOf(layout).some((job) => job.name === name));

/**
 * The JDBC password as a placeholder the runner fills in from its environment at run time (it fails
 * naming the variable when unset), so no rendered script, config map or custom resource holds it.
 */
export const JDBC_PASSWORD_ENV = 'LEADERBOARD_JDBC_PASSWORD';

export interface SinkTopic {
  readonly name: string;
  readonly partitions: number;
  /** Topic configs: compacted, so the latest row per rank survives and a reader can rebuild a board. */
  readonly config: Readonly<Record<string, string>>;
}

/** The compacted topics the Kafka variant writes; the stack creates them before the jobs start. */
export function kafkaSinkTopics(): SinkTopic[] {
  return METRICS.map((m) => ({
    name: m.topic,
    // One partition: a board has ten keys, and a single partition keeps a reader's view of it in write order.
    partitions: 1,
    config: {
      'cleanup.policy': 'compact',
      // Small segments and a low dirty ratio let compaction keep the topics near ten records per board,
      // so a dashboard reading from the beginning has little to replay.
      'segment.ms': '60000',
      'min.cleanable.dirty.ratio': '0.1',
    },
  }));
}
