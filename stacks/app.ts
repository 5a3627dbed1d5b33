/** The cdktf app: the four stacks (docker|k8s x jdbc|kafka) from one validated configuration. */
import { App } from 'cdktf';
import { DockerTarget } from '../constructs/docker/target';
import { K8sTarget } from '../constructs/k8s/target';
import { SinkVariant } from '../common/contract';
import { LeaderboardConfig, loadConfig } from './config';
import { LeaderboardStack } from './leaderboard-stack';

export const STACK_NAMES = ['docker-jdbc', 'docker-kafka', 'k8s-jdbc', 'k8s-kafka'] as const;

export interface BuildAppOptions {
  /** cdktf output directory. */
  readonly outdir?: string;
  /** Configuration; defaults to the file named by `LEADERBOARD_CONFIG`. */
  readonly config?: LeaderboardConfig;
}

export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  const config = options.config ?? loadConfig();
  for (const sink of ['jdbc', 'kafka'] as SinkVariant[]) {
    const name = `docker-${sink}`;
    new LeaderboardStack(app, name, {
      config,
      sink,
      createTarget: (scope) =>
        new DockerTarget(scope, 'docker', { stackName: name, flinkBaseImage: config.images.flinkBase, nodeImage: config.images.node }),
    });
  }
  for (const sink of ['jdbc', 'kafka'] as SinkVariant[]) {
    const name = `k8s-${sink}`;
    new LeaderboardStack(app, name, {
      config,
      sink,
      createTarget: (scope) => {
        const { namespace, kubeconfigPath, context, imageRegistry, operatorChart } = config.kubernetes;
        return new K8sTarget(scope, 'k8s', {
          stackName: name,
          namespace,
          kubeconfigPath,
          context: context ?? undefined,
          imageRegistry,
          operatorChart,
          operatorImage: config.images.flinkOperator,
        });
      },
    });
  }
  return app;
}
