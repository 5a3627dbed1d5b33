/**
 * The sink variant of the leaderboards, one construct each: upsert-Kafka topics for event-driven
 * consumers, or PostgreSQL tables via JDBC for dashboards. Each tells the SQL renderer, the Flink
 * jobs and the dashboard what they need.
 */
import { Construct } from 'constructs';
import { JDBC_PASSWORD_ENV, SinkVariant, kafkaSinkTopics } from '../common/contract';
import { SinkOptions } from '../flink-sql/src/render';
import { IKafka, Kafka } from './kafka';
import { IPlatform, IService, SecretRef } from './platform/platform';
import { Postgres } from './postgres';


export interface ILeaderboardSinks {
  readonly variant: SinkVariant;
  /** Sink settings for the SQL renderer. */
  readonly renderOptions: SinkOptions;
  /** Secrets the jobs read at run time. */
  readonly jobSecretEnv: Record<string, SecretRef>;
  /** What must be ready before the jobs start. */
  readonly ready: IService[];
  /** How the dashboard reads the boards. */
  readonly dashboardEnv: Record<string, string>;
  readonly dashboardSecretEnv: Record<string, SecretRef>;
}

export interface KafkaSinksProps {
  readonly kafka: Kafka;
}

/** Upsert-Kafka sinks: creates the four compacted topics, keyed by rank. */
export class KafkaSinks extends Construct implements ILeaderboardSinks {
  readonly variant = 'kafka' as const;
  readonly renderOptions = { variant: 'kafka' } as const;
  readonly jobSecretEnv = {};
  readonly ready: IService[];
  readonly dashboardEnv: Record<string, string>;
  readonly dashboardSecretEnv = {};

  constructor(scope: Construct, id: string, props: KafkaSinksProps) {
    super(scope, id);
    for (const topic of kafkaSinkTopics()) props.kafka.addTopic({ ...topic, config: { ...topic.config } });
    this.ready = [props.kafka.ready];
    this.dashboardEnv = dashboardKafkaEnv(props.kafka);
  }
}

export interface JdbcSinksProps {
  readonly platform: IPlatform;
  /** Image following the official `postgres` image contract. */
  readonly postgresImage: string;
  /**
   * SQL run once when PostgreSQL initialises (e.g. the dashboard's change notifications).
   * @default - none
   */
  readonly extraInitSql?: string;
  /**
   * Publish PostgreSQL on this host port.
   * @default - not published
   */
  readonly hostPort?: number;
  /**
   * Host address a published port binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
}

/** JDBC sinks: PostgreSQL with the four tables, written by Flink, read by the dashboard. */
export class JdbcSinks extends Construct implements ILeaderboardSinks {
  readonly variant = 'jdbc' as const;
  readonly postgres: Postgres;
  readonly renderOptions: ILeaderboardSinks['renderOptions'];
  readonly jobSecretEnv: Record<string, SecretRef>;
  readonly ready: IService[];
  readonly dashboardEnv: Record<string, string>;
  readonly dashboardSecretEnv: Record<string, SecretRef>;

  constructor(scope: Construct, id: string, props: JdbcSinksProps) {
    super(scope, id);
    this.postgres = new Postgres(this, 'postgres', {
      platform: props.platform,
      image: props.postgresImage,
      extraInitSql: props.extraInitSql,
      hostPort: props.hostPort,
      bindAddress: props.bindAddress,
    });
    const pg = this.postgres;
    this.renderOptions = { variant: 'jdbc', jdbcUrl: pg.jdbcUrl, jdbcUsername: pg.writer.user };
    this.jobSecretEnv = { [JDBC_PASSWORD_ENV]: pg.writer.password };
    this.ready = [pg.service];
    this.dashboardEnv = {
      DASHBOARD_SOURCE: 'jdbc',
      PGHOST: pg.host,
      PGPORT: String(pg.port),
      PGDATABASE: pg.database,
      PGUSER: pg.reader.user,
    };
    this.dashboardSecretEnv = { PGPASSWORD: pg.reader.password };
  }
}

const dashboardKafkaEnv = (kafka: IKafka): Record<string, string> => ({
  DASHBOARD_SOURCE: 'kafka',
  DASHBOARD_KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
});
