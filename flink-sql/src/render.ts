/**
 * Renders complete, runnable Flink SQL scripts (for flink-sql/runner) from the SQL files in
 * flink-sql/sql and the one sink table definition per metric of the data contract (common/contract),
 * for either sink variant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Column,
  DEFAULT_HOT_STREAK_ACTIVE_MINUTES,
  EVENT_FORMATS,
  EventEncoding,
  JDBC_PASSWORD_ENV,
  JOB_LAYOUTS,
  JobLayout,
  LEADERBOARD_SIZE,
  MAX_HOT_STREAK_ACTIVE_MINUTES,
  METRICS,
  MetricDefinition,
  MetricId,
  POSTGRES_SCHEMA,
  SINK_VARIANTS,
  STARTUP_MODES,
  SUSPECTED_BOT_RULE,
  StartupMode,
  jobsOf,
} from '../../common/contract';
import { keySubject, valueSubject } from '../../common/contract/event-schema';
import { KAFKA_PASSWORD_ENV, KafkaClientSecurity, PLAINTEXT, javaClientProperties, kafkaSecurityProblem, usesSasl } from '../../common/kafka-client';

/** Where the jobs write the boards: what the renderer needs of each sink variant. */
export type SinkOptions =
  | { readonly variant: 'kafka' }
  | {
      readonly variant: 'jdbc';
      /** `jdbc:postgresql://host:port/leaderboard`. */
      readonly jdbcUrl: string;
      /** The writer role. Its password is never rendered, see JDBC_PASSWORD_ENV. */
      readonly jdbcUsername: string;
    };

export interface RenderOptions {
  readonly sink: SinkOptions;
  /** Kafka bootstrap servers as seen from the Flink cluster, e.g. `kafka:9092`. */
  readonly kafkaBootstrapServers: string;
  /**
   * How the jobs authenticate to Kafka. A SASL password is never rendered: the scripts refer to
   * `${KAFKA_PASSWORD_ENV}`, which the runner fills in from its environment.
   * @default PLAINTEXT
   */
  readonly kafkaSecurity?: KafkaClientSecurity;
  /** The input topic (`user-score`). */
  readonly inputTopic: string;
  /**
   * How its values are encoded; Avro is decoded with the registry at `schemaRegistryUrl` as the
   * Flink cluster reaches it.
   * @default { format: 'json' }
   */
  readonly events?: EventEncoding;
  /** Where a fresh job starts reading the input: `earliest` rebuilds the boards from the retained log. */
  readonly startupMode: StartupMode;
  readonly layout: JobLayout;
  /**
   * Hot Streaks ranks players with an event within this many minutes of the game clock.
   * @default DEFAULT_HOT_STREAK_ACTIVE_MINUTES (5)
   */
  readonly hotStreakActiveMinutes?: number;
}

export interface FlinkJob {
  /** The job's name, also its `pipeline.name` (e.g. `leaderboard-top-teams`), so submitters can find it. */
  readonly name: string;
  readonly metrics: MetricId[];
  /** The complete script for `leaderboard-sql-runner --script`. */
  readonly sql: string;
}

const SQL_DIR = join(__dirname, '..', 'sql');

export function renderJobs(options: RenderOptions): FlinkJob[] {
  validate(options);
  return jobsOf(options.layout).map(({ name, metrics }) => ({
    name,
    metrics,
    sql: script(options, name, metrics.map((id) => METRICS.find((m) => m.id === id)!)),
  }));
}

/**
 * The physical reference of the pipeline benchmark: the same settings and source as the leaderboard
 * jobs, every valid event into a discarding sink. Its rate is what reading and parsing the topic
 * costs on the machine, the ceiling the boards are measured against. The source stops at the offsets
 * it finds at start, so the job finishes and its duration times the read exactly (Flink's metrics
 * reach the REST API only every 10 s, too coarse for a read of seconds).
 */
export function renderReadOnlyJob(options: Omit<RenderOptions, 'sink' | 'layout'>, jobName: string): FlinkJob {
  validate({ ...options, sink: { variant: 'kafka' }, layout: 'statement-set' });
  const parts = [
    `-- ${jobName}: rendered by flink-sql/src/render.ts (read-only reference: the leaderboards' source into a blackhole sink).`,
    settings(jobName),
    source(options, jobName),
    "CREATE TEMPORARY TABLE bounded_user_score WITH ('scan.bounded.mode' = 'latest-offset') LIKE user_score;",
    "CREATE TEMPORARY TABLE discarded (user_id STRING, team_id STRING, team_name STRING, score INT, event_time TIMESTAMP_LTZ(3)) WITH ('connector' = 'blackhole');",
    'INSERT INTO discarded SELECT user_id, team_id, team_name, score, event_time FROM bounded_user_score;',
  ];
  return { name: jobName, metrics: [], sql: `${parts.join('\n\n')}\n` };
}

/** The Kafka consumer group of the SQL client's queries, apart from the jobs' groups. */
export const SQL_CLIENT_GROUP_ID = 'leaderboard-sql-client';

/** What the SQL client's tables need: the jobs' options, with the boards' reader as `sink`. */
export interface SqlClientOptions extends Pick<RenderOptions, 'sink' | 'kafkaBootstrapServers' | 'kafkaSecurity' | 'inputTopic' | 'events'> {
  /** Directory of the client's catalog (the runner jar's `leaderboard-files`), where its tables are kept. */
  readonly catalogPath: string;
}

/** The SQL client's catalog, holding the pipeline's tables and any a user adds. */
export const SQL_CLIENT_CATALOG = 'leaderboard';

/**
 * The init script of the SQL client (`npm run sql`): the input and the five boards as tables of the
 * catalog `leaderboard` (files on the client's volume, kept across sessions with whatever tables a user
 * adds), defined as the jobs define them, so `SELECT * FROM top_teams` needs no DDL; each session
 * redefines them, so they follow the stack's configuration. Each Kafka table reads from the start of its
 * topic up to the offsets it finds when the query starts, so a query ends (a LIMIT alone cannot end a
 * Kafka read) as the JDBC boards' scans do; the hint `OPTIONS('scan.bounded.mode'='unbounded')` keeps one
 * reading. Queries run under their own group and never checkpoint (the client's configuration has no
 * interval), so they commit no offsets and leave no state behind. For the JDBC sinks, `sink.jdbcUsername`
 * is the read-only role; its password stays a placeholder in the catalog, filled in from the client's
 * environment when a query reads the table.
 */
export function renderSqlClientInit(options: SqlClientOptions): string {
  const renderOptions: RenderOptions = { ...options, startupMode: 'earliest', layout: 'statement-set' };
  validate(renderOptions);
  const untilNow: [string, string][] = [['scan.bounded.mode', 'latest-offset']];
  const tables = ['user_score', ...METRICS.map((m) => m.id)];
  const parts = [
    `-- The SQL client's tables: rendered by flink-sql/src/render.ts (sink: ${options.sink.variant}); do not edit.`,
    `SET ${literal('sql-client.execution.result-mode')} = ${literal('tableau')};`,
    `CREATE CATALOG ${SQL_CLIENT_CATALOG} WITH (${literal('type')} = ${literal('leaderboard-files')}, ${literal('path')} = ${literal(options.catalogPath)});`,
    `USE CATALOG ${SQL_CLIENT_CATALOG};`,
    tables.map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n'),
    source(renderOptions, SQL_CLIENT_GROUP_ID, untilNow, 'TABLE'),
    ...METRICS.map((m) => sinkTable(m, renderOptions, options.sink.variant === 'kafka' ? untilNow : [], 'TABLE')),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** How a script defines its tables: a job's live as long as it does, the SQL client's in its catalog. */
type TableKind = 'TEMPORARY TABLE' | 'TABLE';

function source(options: Omit<RenderOptions, 'sink' | 'layout'>, groupId: string, extra: [string, string][] = [], kind: TableKind = 'TEMPORARY TABLE'): string {
  const clientOptions = [...eventFormatOptions(options.events), ...kafkaClientOptions(options), ...extra].map(([k, v]) => `,\n  ${literal(k)} = ${literal(v)}`).join('');
  return fill(
    readSql('source.sql'),
    {
      input_topic: options.inputTopic,
      bootstrap_servers: options.kafkaBootstrapServers,
      group_id: groupId,
      startup_mode: `${options.startupMode}-offset`,
    },
    { kafka_client_options: clientOptions, table: kind },
  ).trim();
}

/** The input format's options for Avro (JSON needs none). */
function eventFormatOptions(events: EventEncoding | undefined): [string, string][] {
  if (events?.format !== 'avro') return [];
  return [
    ['leaderboard-user-score.encoding', 'avro-confluent'],
    ['leaderboard-user-score.avro-confluent.url', events.schemaRegistryUrl],
  ];
}

/**
 * The Kafka boards' key and value formats: JSON, or with Avro input Avro too, each schema registered
 * by the job under Confluent's subject for the topic (`top-teams-key`, `top-teams-value`).
 */
function boardFormatOptions(metric: MetricDefinition, events: EventEncoding | undefined): [string, string][] {
  if (events?.format !== 'avro') return [['key.format', 'json'], ['value.format', 'json']];
  return (['key', 'value'] as const).flatMap((part): [string, string][] => [
    [`${part}.format`, 'avro-confluent'],
    [`${part}.avro-confluent.url`, events.schemaRegistryUrl],
    [`${part}.avro-confluent.subject`, part === 'key' ? keySubject(metric.topic) : valueSubject(metric.topic)],
  ]);
}

/** The Kafka connectors' `properties.*` options for the client's security settings. */
function kafkaClientOptions(options: Pick<RenderOptions, 'kafkaSecurity'>): [string, string][] {
  const properties = javaClientProperties(options.kafkaSecurity ?? PLAINTEXT, `\${${KAFKA_PASSWORD_ENV}}`);
  return Object.entries(properties).map(([k, v]) => [`properties.${k}`, v]);
}

function script(options: RenderOptions, jobName: string, metrics: readonly MetricDefinition[]): string {
  const activeMinutes = String(options.hotStreakActiveMinutes ?? DEFAULT_HOT_STREAK_ACTIVE_MINUTES);
  const values = {
    size: String(LEADERBOARD_SIZE),
    active_minutes: activeMinutes,
    bot_window_minutes: String(SUSPECTED_BOT_RULE.windowMinutes),
    bot_min_events: String(SUSPECTED_BOT_RULE.minEvents),
    bot_min_peers: String(SUSPECTED_BOT_RULE.minPeers),
    bot_ratio: String(SUSPECTED_BOT_RULE.ratio),
  };
  const inserts = metrics.map((m) => fill(readSql(`${m.id}.sql`), values).trim());
  const parts = [
    `-- ${jobName}: rendered by flink-sql/src/render.ts (sink: ${options.sink.variant}, layout: ${options.layout}); do not edit.`,
    settings(jobName),
    source(options, jobName),
    ...metrics.map((m) => sinkTable(m, options)),
    inserts.length === 1 ? inserts[0] : `EXECUTE STATEMENT SET\nBEGIN\n${inserts.join('\n\n')}\nEND;`,
  ];
  return `${parts.join('\n\n')}\n`;
}

/**
 * Settings for fresh boards at modest cost:
 * - checkpoints every 10 s (the contract); the JDBC and upsert-Kafka sinks also flush on each one;
 * - mini-batch with 500 ms latency: aggregates and ranks then process a key once per batch instead of
 *   once per event, which cuts state access and, above all, the rank churn the sinks and dashboards
 *   would otherwise see, while keeping boards well under a second behind;
 * - the sinks' own buffers (see sinkTable) flush every 200 ms and keep only the latest row per rank;
 * - no state TTL: Flink's TTL counts processing time and forgets a key without retracting its rows,
 *   so boards would depend on when the job ran. The state is bounded by the keys instead (a row per
 *   team and per player, Hot Streaks' last 60 s of each player's events; flink-sql/README.md).
 */
function settings(jobName: string): string {
  const entries: [string, string][] = [
    ['pipeline.name', jobName],
    ['execution.checkpointing.interval', '10 s'],
    ['table.exec.mini-batch.enabled', 'true'],
    ['table.exec.mini-batch.allow-latency', '500 ms'],
    ['table.exec.mini-batch.size', '5000'],
    ['pipeline.object-reuse', 'true'],
  ];
  return entries.map(([k, v]) => `SET ${literal(k)} = ${literal(v)};`).join('\n');
}

function sinkTable(metric: MetricDefinition, options: RenderOptions, extra: [string, string][] = [], kind: TableKind = 'TEMPORARY TABLE'): string {
  const columns = metric.columns.map((c: Column) => `  ${c.name} ${c.type}`).join(',\n');
  const { sink } = options;
  const connector: [string, string][] =
    sink.variant === 'kafka'
      ? [
          ['connector', 'upsert-kafka'],
          ['topic', metric.topic],
          ['properties.bootstrap.servers', options.kafkaBootstrapServers],
          ...kafkaClientOptions(options),
          // Key {"rnk":N}, value every column (rnk included); a deleted rank is a tombstone.
          ...boardFormatOptions(metric, options.events),
          ['value.fields-include', 'ALL'],
          ['sink.buffer-flush.max-rows', '1000'],
          ['sink.buffer-flush.interval', '200 ms'],
        ]
      : [
          ['connector', 'jdbc'],
          ['url', sink.jdbcUrl],
          ['table-name', `${POSTGRES_SCHEMA}.${metric.table}`],
          ['username', sink.jdbcUsername],
          ['password', `\${${JDBC_PASSWORD_ENV}}`],
          ['sink.buffer-flush.max-rows', '1000'],
          ['sink.buffer-flush.interval', '200 ms'],
          ['sink.max-retries', '5'],
        ];
  // One writer per board: the global rank runs at parallelism 1, and a wider sink would get its rows
  // round-robin, so two writers could apply one rank's updates out of order (measured at parallelism
  // 2: a stale Top Teams row 2). Ten rows need no more.
  connector.push(['sink.parallelism', '1'], ...extra);
  const withClause = connector.map(([k, v]) => `  ${literal(k)} = ${literal(v)}`).join(',\n');
  return `CREATE ${kind} ${metric.id} (\n${columns},\n  PRIMARY KEY (rnk) NOT ENFORCED\n) WITH (\n${withClause}\n);`;
}

function readSql(file: string): string {
  return readFileSync(join(SQL_DIR, file), 'utf8');
}

/**
 * Replaces {{name}} markers with SQL-string-safe values, or with `sql` (rendered SQL, inserted as it
 * is); an unknown or unfilled marker is an error.
 */
function fill(template: string, values: Record<string, string>, sql: Record<string, string> = {}): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (_m, name: string) => {
    if (name in sql) return sql[name];
    const value = values[name];
    if (value === undefined) throw new Error(`SQL template marker {{${name}}} has no value`);
    return value.replace(/'/g, "''");
  });
}

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

function validate(o: RenderOptions): void {
  const oneOf = <T extends string>(field: string, value: T, allowed: readonly T[]): void => {
    if (!allowed.includes(value)) throw new Error(`${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got '${value}'`);
  };
  oneOf('sink', o.sink.variant, SINK_VARIANTS);
  oneOf('startupMode', o.startupMode, STARTUP_MODES);
  oneOf('layout', o.layout, JOB_LAYOUTS);
  if (!/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/.test(o.kafkaBootstrapServers)) {
    throw new Error(`kafkaBootstrapServers must be host:port[,host:port...]; got '${o.kafkaBootstrapServers}'`);
  }
  const active = o.hotStreakActiveMinutes;
  if (active !== undefined && !(Number.isInteger(active) && active >= 1 && active <= MAX_HOT_STREAK_ACTIVE_MINUTES)) {
    throw new Error(`hotStreakActiveMinutes must be a whole number of minutes from 1 to ${MAX_HOT_STREAK_ACTIVE_MINUTES}; got ${active}`);
  }
  // A SASL password always comes from the runner's environment.
  const securityProblem = o.kafkaSecurity && kafkaSecurityProblem(o.kafkaSecurity, usesSasl(o.kafkaSecurity.securityProtocol));
  if (securityProblem) throw new Error(`kafkaSecurity: ${securityProblem}`);
  if (!TOPIC.test(o.inputTopic)) throw new Error(`inputTopic must be a Kafka topic name ([a-zA-Z0-9._-], 1-249 chars); got '${o.inputTopic}'`);
  if (o.events) {
    oneOf('events.format', o.events.format, EVENT_FORMATS);
    if (o.events.format === 'avro' && !/^https?:\/\/[^\s/'"]+(\/[^\s'"]*)?$/.test(o.events.schemaRegistryUrl)) {
      throw new Error(`events.schemaRegistryUrl must be an http:// or https:// URL; got '${o.events.schemaRegistryUrl}'`);
    }
  }
  if (o.sink.variant === 'jdbc') {
    if (!o.sink.jdbcUrl.startsWith('jdbc:postgresql://')) {
      throw new Error(`jdbcUrl is required for sink 'jdbc' and must start with 'jdbc:postgresql://'; got '${o.sink.jdbcUrl}'`);
    }
    if (o.sink.jdbcUsername === '') throw new Error(`jdbcUsername is required for sink 'jdbc'`);
  }
}
