/**
 * A PostgreSQL the stack does not deploy (a managed service, a team's server): a task creates the
 * boards' schema, tables and roles there once, as an admin role the user names, and the JDBC sinks and
 * the boards' readers use it like the stack's own.
 */
import { Construct } from 'constructs';
import { POSTGRES_DATABASE } from '../common/contract';
import { Endpoint, IPlatform, IService, externalEndpoint } from './platform/platform';
import { IPostgres, POSTGRES_PORT, POSTGRES_UID, PostgresCredentials, PostgresSslMode, READER_USER, WRITER_USER, initScript, jdbcUrl } from './postgres';

export interface ExternalPostgresProps {
  readonly platform: IPlatform;
  /** Image following the official `postgres` image contract, for the task that runs `psql`. */
  readonly image: string;
  /** Host name or address, reachable from the deployment. */
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  /**
   * An existing database; the boards go into its schema `leaderboard`.
   * @default 'leaderboard'
   */
  readonly database?: string;
  /** A role that may create schemas and roles there; used only by the set-up task. */
  readonly adminUser: string;
  /**
   * The admin role's password as a Terraform expression, e.g. a sensitive variable's value
   * (`TerraformVariable.stringValue`), so it is given at deploy time and never written into the stack.
   */
  readonly adminPassword: string;
  /** @default 'disable' */
  readonly sslMode?: PostgresSslMode;
  /**
   * SQL run last by the set-up task, as the admin role (e.g. the dashboard's change notifications).
   * @default - none
   */
  readonly extraInitSql?: string;
}

export class ExternalPostgres extends Construct implements IPostgres {
  readonly host: string;
  readonly port: number;
  /** The server, outside the deployment. */
  readonly endpoints: Endpoint[];
  readonly database: string;
  readonly jdbcUrl: string;
  readonly sslMode: PostgresSslMode;
  readonly writer: PostgresCredentials;
  readonly reader: PostgresCredentials;
  readonly ready: IService;

  constructor(scope: Construct, id: string, props: ExternalPostgresProps) {
    super(scope, id);
    const { platform } = props;
    this.host = props.host;
    this.port = props.port ?? POSTGRES_PORT;
    this.database = props.database ?? POSTGRES_DATABASE;
    this.sslMode = props.sslMode ?? 'disable';
    this.jdbcUrl = jdbcUrl(`${this.host}:${this.port}`, this.database, this.sslMode);
    this.endpoints = [externalEndpoint(this.host, this.port)];
    // The roles the stack creates get passwords it generates; the admin's is the user's.
    const generated = platform.generatedSecret(this, 'postgres-passwords', ['writer', 'reader']);
    const admin = platform.secret(this, 'postgres-admin', { password: props.adminPassword });
    this.writer = { user: WRITER_USER, password: generated.ref('writer') };
    this.reader = { user: READER_USER, password: generated.ref('reader') };
    const script = '/tmp/leaderboard-postgres-setup.sh';
    this.ready = platform.addService(this, {
      name: 'postgres-setup',
      component: 'postgres',
      image: props.image,
      user: POSTGRES_UID,
      lifecycle: 'task',
      entrypoint: ['/bin/sh', script],
      env: {
        POSTGRES_USER: props.adminUser,
        POSTGRES_DB: this.database,
        PGHOST: this.host,
        PGPORT: String(this.port),
        PGSSLMODE: this.sslMode,
        PGCONNECT_TIMEOUT: '10',
      },
      secretEnv: {
        PGPASSWORD: admin.ref('password'),
        LEADERBOARD_WRITER_PASSWORD: this.writer.password,
        LEADERBOARD_READER_PASSWORD: this.reader.password,
      },
      files: [{ path: script, content: initScript({ extraSql: props.extraInitSql, ownsDatabase: false }) }],
      resources: { cpuMillis: 100, memoryMiB: 128 },
      connectsTo: this.endpoints,
    });
  }
}
