/** The web dashboard: the four leaderboards live, from either sink variant. */
import { Construct } from 'constructs';
import { DASHBOARD_ENV } from '../common/contract';
import { Endpoint, FileSpec, IPlatform, IService, SecretRef } from './platform/platform';
import { kafkaClientEnv } from './kafka-client';
import { SchemaRegistry } from './schema-registry';
import { BoardStore, ILeaderboardSinks } from './sinks';

export interface DashboardProps {
  readonly platform: IPlatform;
  readonly image: string;
  /** The boards it shows; it starts once they are ready. */
  readonly sinks: ILeaderboardSinks;
  /**
   * Host port the dashboard is published on.
   * @default 8080
   */
  readonly hostPort?: number;
  /**
   * Host address it binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Flink's REST API, so the page can say when the jobs filling the boards do not run.
   * @default - no job status on the page
   */
  readonly jobStatus?: Endpoint;
  /**
   * The Kafka boards are Avro, their schemas in this registry (which the dashboard then reaches).
   * @default - JSON boards
   */
  readonly schemaRegistry?: SchemaRegistry;
}

export const DASHBOARD_PORT = 8080;

export class Dashboard extends Construct {
  readonly service: IService;
  /** Where the dashboard listens inside the deployment. */
  readonly endpoint: Endpoint;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const hostPort = props.hostPort ?? DASHBOARD_PORT;
    const bindAddress = props.bindAddress ?? '127.0.0.1';
    const source = sourceEnv(props.sinks.boards);
    this.service = props.platform.addService(this, {
      name: 'dashboard',
      component: 'dashboard',
      image: props.image,
      user: '1000',
      env: {
        [DASHBOARD_ENV.port]: String(DASHBOARD_PORT),
        [DASHBOARD_ENV.host]: '0.0.0.0',
        ...source.env,
        ...(props.jobStatus ? { [DASHBOARD_ENV.flinkUrl]: props.jobStatus.url('http') } : {}),
        ...(props.schemaRegistry ? { [DASHBOARD_ENV.schemaRegistryUrl]: props.schemaRegistry.url } : {}),
      },
      secretEnv: source.secretEnv,
      files: source.files,
      ports: [{ name: 'http', containerPort: DASHBOARD_PORT, publish: { hostPort, bindAddress } }],
      health: {
        // Ready while its sources answer (/healthz is 503 during a sink outage); alive while it serves
        // (/livez), so an outage elsewhere never restarts it.
        command: httpCheck('/healthz'),
        liveness: httpCheck('/livez'),
        intervalSec: 5,
        retries: 60,
      },
      // Node serves from its image and writes nothing to disk.
      readOnlyRootFilesystem: true,
      resources: { cpuMillis: 100, memoryMiB: 256 },
      dependsOn: [...props.sinks.ready, ...(props.schemaRegistry ? [props.schemaRegistry.service] : [])],
      connectsTo: [...props.sinks.boards.endpoints, ...(props.jobStatus ? [props.jobStatus] : []), ...(props.schemaRegistry ? [props.schemaRegistry.endpoint] : [])],
    });
    this.endpoint = this.service.endpoint();
  }
}

/** Succeeds when the dashboard answers `path` with a 2xx. */
const httpCheck = (path: string): string[] => [
  'node',
  '-e',
  `fetch('http://127.0.0.1:${DASHBOARD_PORT}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
];

/** The dashboard's settings (dashboard/src/config.ts) for reading the boards of either variant. */
function sourceEnv(boards: BoardStore): { env: Record<string, string>; secretEnv: Record<string, SecretRef>; files: FileSpec[] } {
  if (boards.variant === 'kafka') {
    const client = kafkaClientEnv(boards.client, DASHBOARD_ENV.kafka);
    return {
      env: { [DASHBOARD_ENV.source]: 'kafka', [DASHBOARD_ENV.kafkaBootstrapServers]: boards.bootstrapServers, ...client.env },
      secretEnv: client.secretEnv,
      files: client.files,
    };
  }
  return {
    env: {
      [DASHBOARD_ENV.source]: 'jdbc',
      PGHOST: boards.host,
      PGPORT: String(boards.port),
      PGDATABASE: boards.database,
      PGUSER: boards.reader.user,
      // node-postgres reads libpq's `require` (encrypt, do not verify) as verify; its `no-verify` is libpq's `require`.
      ...(boards.sslMode === 'disable' ? {} : { PGSSLMODE: 'no-verify' }),
    },
    secretEnv: { PGPASSWORD: boards.reader.password },
    files: [],
  };
}
