/**
 * The sink variant of the leaderboards, one construct each: upsert-Kafka topics for event-driven
 * consumers, or PostgreSQL tables via JDBC for dashboards. Each tells the Flink jobs how to write the
 * boards and the boards' readers where to find them.
 */
import { Construct } from 'constructs';
import { JDBC_PASSWORD_ENV, kafkaSinkTopics } from '../common/contract';
import { SinkOptions } from '../flink-sql/src/render';
import { IKafka } from './kafka';
import { KafkaClient } from './kafka-client';
import { Endpoint, IService, SecretRef } from './platform/platform';
import { IPostgres, PostgresCredentials, PostgresSslMode } from './postgres';

/** Where the boards are kept, per sink variant: what their writers and readers connect to. */
export type BoardStore = {
  /** The deployment's services holding the boards; none when they are outside it. */
  readonly endpoints: Endpoint[];
} & (
  | {
      readonly variant: 'kafka';
      readonly bootstrapServers: string;
      readonly client: KafkaClient;
    }
  | {
      readonly variant: 'jdbc';
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly sslMode: PostgresSslMode;
      /** The read-only role. */
      readonly reader: PostgresCredentials;
    }
);

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
  readonly kafka: IKafka;
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
    const { endpoints, bootstrapServers, client } = props.kafka;
    this.boards = { variant: 'kafka', endpoints, bootstrapServers, client };
  }
}

export interface JdbcSinksProps {
  /** The stack's PostgreSQL or one outside it. */
  readonly postgres: IPostgres;
}

/** JDBC sinks: the PostgreSQL tables, written by Flink, read by the dashboard. */
export class JdbcSinks extends Construct implements ILeaderboardSinks {
  readonly renderOptions: SinkOptions;
  readonly boards: BoardStore;
  readonly jobSecretEnv: Record<string, SecretRef>;
  readonly ready: IService[];

  constructor(scope: Construct, id: string, props: JdbcSinksProps) {
    super(scope, id);
    const pg = props.postgres;
    this.renderOptions = { variant: 'jdbc', jdbcUrl: pg.jdbcUrl, jdbcUsername: pg.writer.user };
    this.boards = { variant: 'jdbc', endpoints: pg.endpoints, host: pg.host, port: pg.port, database: pg.database, sslMode: pg.sslMode, reader: pg.reader };
    this.jobSecretEnv = { [JDBC_PASSWORD_ENV]: pg.writer.password };
    this.ready = [pg.ready];
  }
}
