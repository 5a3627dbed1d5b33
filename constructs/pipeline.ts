/** The whole leaderboard pipeline on one target: Kafka, sinks, Flink jobs, injector, dashboard. */
import { Construct } from 'constructs';
import {
  DEFAULT_INPUT_TOPIC,
  DEFAULT_JOB_LAYOUT,
  EventEncoding,
  EventFormat,
  INPUT_PARTITIONS,
  JDBC_PASSWORD_ENV,
  JobLayout,
  SinkVariant,
  StartupMode,
} from '../common/contract';
import { KAFKA_PASSWORD_ENV } from '../common/kafka-client';
import { SinkOptions, renderJobs, renderSqlClientInit } from '../flink-sql/src/render';
import { Dashboard } from './dashboard';
import { ExternalKafka, ExternalKafkaProps } from './external-kafka';
import { ExternalPostgres, ExternalPostgresProps } from './external-postgres';
import { FlinkSessionOptions, IFlinkSession } from './flink-session';
import { Injector, InjectorProps } from './injector';
import { IKafka, Kafka } from './kafka';
import { TopicRetention } from './kafka-topics';
import { IPostgres, Postgres } from './postgres';
import { ILeaderboardSinks, JdbcSinks, KafkaSinks } from './sinks';
import { SchemaRegistry } from './schema-registry';
import { SQL_CLIENT, SqlClient } from './sql-client';
import { IDeploymentTarget } from './target';

/** Kafka's own default: a week, the bytes bounded by the volume where the stack runs the brokers. */
export const DEFAULT_INPUT_RETENTION: TopicRetention = { hours: 168 };

/** A Kafka outside the deployment; the pipeline adds the topics. */
export type PipelineExternalKafka = Omit<ExternalKafkaProps, 'platform' | 'image' | 'topics'>;
/** A PostgreSQL outside the deployment; the pipeline adds what its readers need there. */
export type PipelineExternalPostgres = Omit<ExternalPostgresProps, 'platform' | 'image' | 'extraInitSql'>;

/** The injector's settings; the pipeline supplies where it runs and where its events go. */
export type PipelineInjectorProps = Omit<InjectorProps, 'platform' | 'image' | 'kafka' | 'topic' | 'schemaRegistry'>;

export interface LeaderboardPipelineProps {
  readonly target: IDeploymentTarget;
  readonly sink: SinkVariant;
  /** Image following the `apache/kafka` image contract. */
  readonly kafkaImage: string;
  /**
   * Kafka brokers (see KafkaProps.brokers): 3 replicate every topic 3 times with 2 in-sync replicas.
   * @default 1
   */
  readonly kafkaBrokers?: number;
  /**
   * Partitions of the input topic: the most source subtasks that get data.
   * @default INPUT_PARTITIONS (3)
   */
  readonly inputTopicPartitions?: number;
  /**
   * How long, and how much per partition, the input topic keeps. With the stack's own brokers the
   * bytes are bounded by their volume (see KafkaProps.volumeGiB) so the topic never fills it.
   * @default 168 hours, the bytes derived from the volume
   */
  readonly inputRetention?: TopicRetention;
  /**
   * Size of each broker's data volume (GiB).
   * @default 5
   */
  readonly kafkaVolumeGiB?: number;
  /**
   * Use this Kafka instead of deploying brokers: the jobs, injector and dashboard connect to it, and
   * the stack only creates the topics there (`kafkaBrokers` and `kafkaHostPort` do not apply).
   * @default - the stack's own brokers
   */
  readonly externalKafka?: PipelineExternalKafka;
  /** Image following the official `postgres` image contract; used by the JDBC variant only. */
  readonly postgresImage: string;
  /**
   * Use this PostgreSQL instead of deploying one (JDBC variant): the stack creates the schema, tables
   * and roles there (`postgresHostPort` does not apply).
   * @default - the stack's own PostgreSQL
   */
  readonly externalPostgres?: PipelineExternalPostgres;
  /**
   * Topic of the game events.
   * @default DEFAULT_INPUT_TOPIC
   */
  readonly inputTopic?: string;
  /**
   * The input's record values: JSON, or Avro in Confluent's wire format, for which the stack deploys
   * a schema registry that the injector registers user-score.avsc with and the jobs read it through;
   * the Kafka variant's boards are then Avro too (subjects `<topic>-key`, `<topic>-value`), which the
   * dashboard reads through the same registry.
   * @default 'json'
   */
  readonly eventFormat?: EventFormat;
  /**
   * Where a fresh job starts reading the input topic.
   * @default 'earliest'
   */
  readonly startupMode?: StartupMode;
  /**
   * One Flink job per metric, or one statement set for every metric.
   * @default DEFAULT_JOB_LAYOUT
   */
  readonly jobLayout?: JobLayout;
  /**
   * Hot Streaks ranks players with an event within this many minutes of the game clock.
   * @default DEFAULT_HOT_STREAK_ACTIVE_MINUTES (5)
   */
  readonly hotStreakActiveMinutes?: number;
  /** The Flink session's size and UI (FlinkSessionOptions, each with its default). */
  readonly flink?: FlinkSessionOptions;
  /**
   * Host port of the dashboard.
   * @default 8080
   */
  readonly dashboardPort?: number;
  /**
   * Host address every published port binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Publish Kafka on this host port.
   * @default - not published
   */
  readonly kafkaHostPort?: number;
  /**
   * Publish PostgreSQL on this host port (JDBC variant).
   * @default - not published
   */
  readonly postgresHostPort?: number;
  /**
   * SQL PostgreSQL runs once at initialisation, after the tables and roles exist (JDBC variant), e.g.
   * what a reader of the boards needs there.
   * @default - none
   */
  readonly postgresInitSql?: string;
  /**
   * Run the event injector with these settings.
   * @default - no injector
   */
  readonly injector?: PipelineInjectorProps;
}

export class LeaderboardPipeline extends Construct {
  readonly kafka: IKafka;
  readonly sinks: ILeaderboardSinks;
  readonly flink: IFlinkSession;
  readonly dashboard: Dashboard;
  readonly sqlClient: SqlClient;
  readonly injector?: Injector;
  /** With Avro input. */
  readonly schemaRegistry?: SchemaRegistry;

  constructor(scope: Construct, id: string, props: LeaderboardPipelineProps) {
    super(scope, id);
    const { target } = props;
    const { platform, images } = target;
    const inputTopic = props.inputTopic ?? DEFAULT_INPUT_TOPIC;

    const topics = [{ name: inputTopic, partitions: props.inputTopicPartitions ?? INPUT_PARTITIONS, retention: props.inputRetention ?? DEFAULT_INPUT_RETENTION }];
    if (props.externalKafka) {
      const misplaced = (['kafkaBrokers', 'kafkaHostPort'] as const).filter((name) => props[name] !== undefined);
      if (misplaced.length > 0) throw new Error(`LeaderboardPipeline: ${misplaced.join(' and ')} do not apply with externalKafka (the stack deploys no broker)`);
    }
    this.kafka = props.externalKafka
      ? new ExternalKafka(this, 'kafka', { ...props.externalKafka, platform, image: props.kafkaImage, topics })
      : new Kafka(this, 'kafka', {
        platform,
        image: props.kafkaImage,
        brokers: props.kafkaBrokers,
        volumeGiB: props.kafkaVolumeGiB,
        topics,
        hostPort: props.kafkaHostPort,
        bindAddress: props.bindAddress,
      });

    if (props.sink === 'kafka') {
      this.sinks = new KafkaSinks(this, 'sinks', { kafka: this.kafka });
    } else {
      const postgres: IPostgres = props.externalPostgres
        ? new ExternalPostgres(this, 'postgres', { ...props.externalPostgres, platform, image: props.postgresImage, extraInitSql: props.postgresInitSql })
        : new Postgres(this, 'postgres', {
          platform,
          image: props.postgresImage,
          extraInitSql: props.postgresInitSql,
          hostPort: props.postgresHostPort,
          bindAddress: props.bindAddress,
        });
      this.sinks = new JdbcSinks(this, 'sinks', { postgres });
    }
    const kafkaPassword = this.kafka.client.password;

    if (props.eventFormat === 'avro') {
      this.schemaRegistry = new SchemaRegistry(this, 'schema-registry', { platform, image: images['schema-registry'], kafka: this.kafka });
    }
    const registry = this.schemaRegistry;
    const events: EventEncoding = registry ? { format: 'avro', schemaRegistryUrl: registry.url } : { format: 'json' };

    const jobs = renderJobs({
      sink: this.sinks.renderOptions,
      kafkaBootstrapServers: this.kafka.bootstrapServers,
      kafkaSecurity: this.kafka.client.security,
      inputTopic,
      events,
      startupMode: props.startupMode ?? 'earliest',
      layout: props.jobLayout ?? DEFAULT_JOB_LAYOUT,
      hotStreakActiveMinutes: props.hotStreakActiveMinutes,
    });

    this.flink = target.createFlinkSession(this, 'flink', {
      image: images.flink,
      jobs,
      jobSecretEnv: { ...this.sinks.jobSecretEnv, ...(kafkaPassword ? { [KAFKA_PASSWORD_ENV]: kafkaPassword } : {}) },
      jobDependencies: [this.kafka.ready, ...this.sinks.ready, ...(registry ? [registry.service] : [])],
      jobConnections: [...this.kafka.endpoints, ...this.sinks.boards.endpoints, ...(registry ? [registry.endpoint] : [])],
      ...props.flink,
    });

    // The client reads the boards as their read-only role, under the placeholder the jobs' scripts use.
    const { boards } = this.sinks;
    const clientSink: SinkOptions = this.sinks.renderOptions.variant === 'jdbc' && boards.variant === 'jdbc'
      ? { ...this.sinks.renderOptions, jdbcUsername: boards.reader.user }
      : this.sinks.renderOptions;
    this.sqlClient = new SqlClient(this, 'sql-client', {
      platform,
      image: images.flink,
      session: this.flink,
      initSql: renderSqlClientInit({
        sink: clientSink,
        kafkaBootstrapServers: this.kafka.bootstrapServers,
        kafkaSecurity: this.kafka.client.security,
        inputTopic,
        events,
        catalogPath: SQL_CLIENT.catalogDir,
      }),
      secretEnv: {
        ...(boards.variant === 'jdbc' ? { [JDBC_PASSWORD_ENV]: boards.reader.password } : {}),
        ...(kafkaPassword ? { [KAFKA_PASSWORD_ENV]: kafkaPassword } : {}),
      },
    });

    if (props.injector) {
      this.injector = new Injector(this, 'injector', {
        ...props.injector,
        platform,
        image: images.injector,
        kafka: this.kafka,
        topic: inputTopic,
        schemaRegistry: registry,
      });
    }

    this.dashboard = new Dashboard(this, 'dashboard', {
      platform,
      image: images.dashboard,
      sinks: this.sinks,
      jobStatus: this.flink.jobStatus,
      // Only the Kafka boards follow the input's format; the JDBC ones are tables either way.
      schemaRegistry: boards.variant === 'kafka' ? registry : undefined,
      hostPort: props.dashboardPort,
      bindAddress: props.bindAddress,
    });
  }
}
