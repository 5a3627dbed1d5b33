/**
 * PostgreSQL for the JDBC variant: the `leaderboard` database and schema, the four tables of the
 * data contract, a writer role for Flink and a read-only role for the dashboard. Every password is
 * generated at deploy time.
 */
import { Construct } from 'constructs';
import { POSTGRES_DATABASE, boardTablesSql, loginRoleSql, postgresTablesDdl, readOnlyRoleSql } from '../common/contract';
import { Endpoint, IPlatform, IService, SecretRef } from './platform/platform';

export interface PostgresCredentials {
  readonly user: string;
  readonly password: SecretRef;
}

/**
 * `disable`: no TLS; `require`: TLS without verifying the server's certificate (libpq's meaning).
 */
export const POSTGRES_SSL_MODES = ['disable', 'require'] as const;
export type PostgresSslMode = (typeof POSTGRES_SSL_MODES)[number];

/** What the JDBC sinks and the boards' readers need of PostgreSQL, the stack's own or one outside it. */
export interface IPostgres {
  readonly host: string;
  readonly port: number;
  /** Its listener inside the deployment; none for a server outside it. */
  readonly endpoints: Endpoint[];
  readonly database: string;
  /** The JDBC URL of `database`, with the TLS mode. */
  readonly jdbcUrl: string;
  readonly sslMode: PostgresSslMode;
  /** Role the Flink JDBC sinks write with. */
  readonly writer: PostgresCredentials;
  /** Read-only role of the boards' readers. */
  readonly reader: PostgresCredentials;
  /** Ready once the tables and roles exist. */
  readonly ready: IService;
}

export interface PostgresProps {
  readonly platform: IPlatform;
  /** Image following the official `postgres` image contract. */
  readonly image: string;
  /**
   * Extra SQL run once at initialisation, after the tables and roles exist, as the admin role (e.g.
   * the dashboard's change-notification triggers).
   * @default - none
   */
  readonly extraInitSql?: string;
  /**
   * Publish PostgreSQL on this host port.
   * @default - not published
   */
  readonly hostPort?: number;
  /**
   * Host address the published port binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Memory limit in MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
}

/** PostgreSQL's port, and the user the official image runs it (and psql) as. */
export const POSTGRES_PORT = 5432;
export const POSTGRES_UID = '999';
const ADMIN_USER = 'leaderboard_admin';
export const WRITER_USER = 'leaderboard_writer';
export const READER_USER = 'leaderboard_reader';

export class Postgres extends Construct implements IPostgres {
  readonly endpoint: Endpoint;
  readonly endpoints: Endpoint[];
  readonly host: string;
  readonly port = POSTGRES_PORT;
  readonly database = POSTGRES_DATABASE;
  readonly jdbcUrl: string;
  readonly sslMode = 'disable';
  readonly writer: PostgresCredentials;
  readonly reader: PostgresCredentials;
  readonly service: IService;
  readonly ready: IService;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { platform } = props;
    const secret = platform.generatedSecret(this, 'postgres-passwords', ['admin', 'writer', 'reader']);
    this.writer = { user: WRITER_USER, password: secret.ref('writer') };
    this.reader = { user: READER_USER, password: secret.ref('reader') };

    this.service = platform.addService(this, {
      name: 'postgres',
      component: 'postgres',
      image: props.image,
      user: POSTGRES_UID,
      env: { POSTGRES_USER: ADMIN_USER, POSTGRES_DB: POSTGRES_DATABASE, PGDATA: '/var/lib/postgresql/data/pgdata' },
      secretEnv: {
        POSTGRES_PASSWORD: secret.ref('admin'),
        LEADERBOARD_WRITER_PASSWORD: this.writer.password,
        LEADERBOARD_READER_PASSWORD: this.reader.password,
      },
      ports: [
        {
          name: 'postgres',
          containerPort: POSTGRES_PORT,
          publish: props.hostPort === undefined ? undefined : { hostPort: props.hostPort, bindAddress: props.bindAddress ?? '127.0.0.1' },
        },
      ],
      volumes: [{ name: 'postgres-data', mountPath: '/var/lib/postgresql/data', sizeGiB: 2 }],
      files: [{ path: '/docker-entrypoint-initdb.d/10-leaderboard.sh', content: initScript({ extraSql: props.extraInitSql, ownsDatabase: true }), executable: true }],
      health: {
        // TCP on purpose: during first initialisation the server listens on its socket only.
        command: ['pg_isready', '-h', '127.0.0.1', '-p', String(POSTGRES_PORT), '-U', ADMIN_USER, '-d', POSTGRES_DATABASE],
        intervalSec: 3,
        retries: 60,
      },
      resources: { cpuMillis: 250, memoryMiB: props.memoryMiB ?? 512 },
    });
    this.ready = this.service;
    this.endpoint = this.service.endpoint();
    this.endpoints = [this.endpoint];
    this.host = this.endpoint.host;
    this.jdbcUrl = jdbcUrl(this.endpoint.address, POSTGRES_DATABASE, this.sslMode);
  }
}

export const jdbcUrl = (address: string, database: string, sslMode: PostgresSslMode): string =>
  `jdbc:postgresql://${address}/${database}${sslMode === 'disable' ? '' : `?sslmode=${sslMode}`}`;

export interface InitScriptOptions {
  /** SQL run last, e.g. the dashboard's change-notification triggers. */
  readonly extraSql?: string;
  /**
   * The database is the stack's alone: nobody else may connect or create objects in `public`. Not
   * for a database of a server the stack does not own, whose other users it must leave alone.
   */
  readonly ownsDatabase: boolean;
}

/**
 * The script creating the schema, tables and roles, as the admin role: run once by the image's
 * entrypoint on an empty data directory, or by a task against a server outside the stack; it is
 * idempotent, so running it again is harmless. Passwords come from the environment as psql
 * variables, so they never appear in the script; psql connects as POSTGRES_USER to POSTGRES_DB (the
 * image's variables), on the server PGHOST and PGPORT name (else the local socket).
 */
export function initScript(options: InitScriptOptions): string {
  const sql = [
    postgresTablesDdl(),
    ...(options.ownsDatabase
      ? [`REVOKE ALL ON DATABASE ${POSTGRES_DATABASE} FROM PUBLIC;`, 'REVOKE CREATE ON SCHEMA public FROM PUBLIC;']
      : []),
    loginRoleSql(WRITER_USER, { psqlVariable: 'writer_password' }),
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${boardTablesSql()} TO ${WRITER_USER};`,
    readOnlyRoleSql({ role: READER_USER, password: { psqlVariable: 'reader_password' } }),
    ...(options.extraSql ? [options.extraSql] : []),
  ].join('\n');
  return [
    '#!/bin/sh',
    'set -eu',
    'psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \\',
    '  -v writer_password="$LEADERBOARD_WRITER_PASSWORD" -v reader_password="$LEADERBOARD_READER_PASSWORD" <<\'SQL\'',
    sql,
    'SQL',
    '',
  ].join('\n');
}
