/**
 * The sink variant of the leaderboards, one construct each: upsert-Kafka topics for event-driven
 * consumers, or PostgreSQL tables via JDBC for dashboards. Each tells the Flink jobs how to write the
 * boards and the boards' readers where to find them.
 */
import { Construct } from 'constructs';
import { JDBC_PASSWORD_ENV, kafkaSinkTopics } from '../common/contract';
import { SinkOptions } from '../flink-sql/src/render';
import { Kafka } from './kafka';
import { Endpoint, IPlatform, IService, SecretRef } from './platform/platform';
import { Postgres, PostgresCredentials } from './postgres';

/** Where the boards are kept, per sink variant: what their writers and readers connect to. */
export type BoardStore =
  | {
      readonly variant: 'kafka';
      /** The brokers holding the compacted board topics. */
      readonly endpoints: Endpoint[];
      readonly bootstrapServers: string;
    }
  | {
      readonly variant: 'jdbc';
      readonly endpoint: Endpoint;
      readonly database: string;
      /** The read-only role. */
      readonly reader: PostgresCredentials;
    };

/** What a reader or writer of the boards connects to. */
export const boardEndpoints = (boards: BoardStore): Endpoint[] => (boards.variant === 'kafka' ? boards.endpoints : [boards.endpoint]);

export interface ILeaderboardSinks {
  /** How the Flink jobs write the boards, for the SQL renderer. */
  readonly renderOptions: SinkOptions;
  /** Where the jobs write the boards and readers (the dashboard) find them. */
  readonly boards: BoardStore;
  /** Secrets the jobs read at run time. */
  readonly jobSecretEnv: Record<string, SecretRef>;
  /** What must be ready before the jobs start. */
  readonly ready: IService[];
}

export interface KafkaSinksProps {
  readonly kafka: Kafka;
}

/** Upsert-Kafka sinks: creates the four compacted topics, keyed by rank. */
export class KafkaSinks extends Construct implements ILeaderboardSinks {
  readonly renderOptions = { variant: 'kafka' } as const;
  readonly boards: BoardStore;
  readonly jobSecretEnv = {};
  readonly ready: IService[];

  constructor(scope: Construct, id: string, props: KafkaSinksProps) {
    super(scope, id);
    for (const topic of kafkaSinkTopics()) props.kafka.addTopic({ ...topic, config: { ...topic.config } });
    this.ready = [props.kafka.ready];
    this.boards = { variant: 'kafka', endpoints: props.kafka.endpoints, bootstrapServers: props.kafka.bootstrapServers };
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
  readonly postgres: Postgres;
  readonly renderOptions: SinkOptions;
  readonly boards: BoardStore;
  readonly jobSecretEnv: Record<string, SecretRef>;
  readonly ready: IService[];

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
    this.boards = { variant: 'jdbc', endpoint: pg.endpoint, database: pg.database, reader: pg.reader };
    this.jobSecretEnv = { [JDBC_PASSWORD_ENV]: pg.writer.password };
    this.ready = [pg.service];
  }
}
