/**
 * PostgreSQL for the JDBC variant: the `leaderboard` database and schema, the four tables of the
 * data contract, a writer role for Flink and a read-only role for the dashboard. Every password is
 * generated at deploy time.
 */
import { Construct } from 'constructs';
import { METRICS, POSTGRES_DATABASE, POSTGRES_SCHEMA, postgresTablesDdl, readOnlyRoleSql } from '../common/contract';
import { Endpoint, IPlatform, IService, SecretRef } from './platform/platform';

export interface PostgresCredentials {
  readonly user: string;
  readonly password: SecretRef;
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

const PORT = 5432;
const POSTGRES_UID = '999';
const ADMIN_USER = 'leaderboard_admin';
export const WRITER_USER = 'leaderboard_writer';
export const READER_USER = 'leaderboard_reader';

export class Postgres extends Construct {
  readonly endpoint: Endpoint;
  readonly database = POSTGRES_DATABASE;
  readonly jdbcUrl: string;
  /** Role the Flink JDBC sinks write with. */
  readonly writer: PostgresCredentials;
  /** Read-only role of the boards' readers. */
  readonly reader: PostgresCredentials;
  readonly service: IService;

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
          containerPort: PORT,
          publish: props.hostPort === undefined ? undefined : { hostPort: props.hostPort, bindAddress: props.bindAddress ?? '127.0.0.1' },
        },
      ],
      volumes: [{ name: 'postgres-data', mountPath: '/var/lib/postgresql/data', sizeGiB: 2 }],
      files: [{ path: '/docker-entrypoint-initdb.d/10-leaderboard.sh', content: initScript(props.extraInitSql), executable: true }],
      health: {
        // TCP on purpose: during first initialisation the server listens on its socket only.
        command: ['pg_isready', '-h', '127.0.0.1', '-p', String(PORT), '-U', ADMIN_USER, '-d', POSTGRES_DATABASE],
        intervalSec: 3,
        retries: 60,
      },
      resources: { cpuMillis: 250, memoryMiB: props.memoryMiB ?? 512 },
    });
    this.endpoint = this.service.endpoint();
    this.jdbcUrl = `jdbc:postgresql://${this.endpoint.address}/${POSTGRES_DATABASE}`;
  }
}

/**
 * The init script run once by the image's entrypoint on an empty data directory. Passwords come from
 * the container environment as psql variables, so they never appear in the script.
 */
export function initScript(extraSql?: string): string {
  const tables = METRICS.map((m) => `${POSTGRES_SCHEMA}.${m.table}`).join(', ');
  const sql = [
    postgresTablesDdl(),
    `ALTER SCHEMA ${POSTGRES_SCHEMA} OWNER TO ${ADMIN_USER};`,
    `CREATE ROLE ${WRITER_USER} LOGIN PASSWORD :'writer_password';`,
    `REVOKE ALL ON DATABASE ${POSTGRES_DATABASE} FROM PUBLIC;`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`,
    `GRANT CONNECT ON DATABASE ${POSTGRES_DATABASE} TO ${WRITER_USER};`,
    `GRANT USAGE ON SCHEMA ${POSTGRES_SCHEMA} TO ${WRITER_USER};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables} TO ${WRITER_USER};`,
    readOnlyRoleSql({ role: READER_USER, password: { psqlVariable: 'reader_password' } }),
    ...(extraSql ? [extraSql] : []),
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
