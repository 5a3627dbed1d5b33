/** The web dashboard: the four leaderboards live, from either sink variant. */
import { Construct } from 'constructs';
import { IPlatform, IService } from './platform/platform';
import { ILeaderboardSinks } from './sinks';

export interface DashboardProps {
  readonly platform: IPlatform;
  readonly image: string;
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
}

export const DASHBOARD_PORT = 8080;

export class Dashboard extends Construct {
  readonly service: IService;
  /** URL on the host. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const hostPort = props.hostPort ?? DASHBOARD_PORT;
    const bindAddress = props.bindAddress ?? '127.0.0.1';
    this.url = `http://${bindAddress}:${hostPort}/`;
    this.service = props.platform.addService(this, {
      name: 'dashboard',
      component: 'dashboard',
      image: props.image,
      user: '1000',
      env: { DASHBOARD_PORT: String(DASHBOARD_PORT), DASHBOARD_HOST: '0.0.0.0', ...props.sinks.dashboardEnv },
      secretEnv: props.sinks.dashboardSecretEnv,
      ports: [{ name: 'http', containerPort: DASHBOARD_PORT, publish: { hostPort, bindAddress } }],
      health: {
        command: [
          'node',
          '-e',
          `fetch('http://127.0.0.1:${DASHBOARD_PORT}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        intervalSec: 5,
        retries: 60,
      },
      resources: { cpuMillis: 250, memoryMiB: 256 },
      dependsOn: props.sinks.ready,
    });
  }
}
