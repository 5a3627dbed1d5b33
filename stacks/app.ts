/** The cdktf app: the stacks of stacks.json (docker|k8s x jdbc|kafka) from one validated configuration. */
import { App } from 'cdktf';
import { Construct } from 'constructs';
import { DockerTarget } from '../constructs/docker/target';
import { K8sTarget } from '../constructs/k8s/target';
import { LeaderboardConfig, loadConfig } from './config';
import { LeaderboardStack } from './leaderboard-stack';
import { STACKS } from './stack-list';

export { STACK_NAMES } from './stack-list';

export interface BuildAppOptions {
  /** cdktf output directory. */
  readonly outdir?: string;
  /** Configuration; defaults to the file named by `LEADERBOARD_CONFIG`. */
  readonly config?: LeaderboardConfig;
}

export function buildApp(options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  const config = options.config ?? loadConfig();
  for (const { name, target, sink } of STACKS) {
    new LeaderboardStack(app, name, {
      config,
      sink,
      createTarget: (scope) => (target === 'docker' ? dockerTarget(scope, name, config) : k8sTarget(scope, name, config)),
    });
  }
  return app;
}

function dockerTarget(scope: Construct, stackName: string, config: LeaderboardConfig): DockerTarget {
  return new DockerTarget(scope, 'docker', { stackName, flinkBaseImage: config.images.flinkBase, nodeImage: config.images.node });
}

function k8sTarget(scope: Construct, stackName: string, config: LeaderboardConfig): K8sTarget {
  const { namespace, kubeconfigPath, context, imageRegistry, operatorChart, apiServer } = config.kubernetes;
  return new K8sTarget(scope, 'k8s', {
    stackName,
    namespace,
    kubeconfigPath,
    context: context ?? undefined,
    imageRegistry,
    operatorChart,
    operatorImage: config.images.flinkOperator,
    apiServer,
  });
}
