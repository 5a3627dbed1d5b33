/** One deployable stack: a target and a sink variant, composed from the pipeline construct. */
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { LeaderboardPipeline } from '../constructs/pipeline';
import { SinkVariant } from '../common/contract';
import { IDeploymentTarget } from '../constructs/target';
import { LeaderboardConfig } from './config';

export interface LeaderboardStackProps {
  readonly config: LeaderboardConfig;
  readonly sink: SinkVariant;
  readonly createTarget: (scope: Construct) => IDeploymentTarget;
}

export class LeaderboardStack extends TerraformStack {
  readonly pipeline: LeaderboardPipeline;

  constructor(scope: Construct, name: string, props: LeaderboardStackProps) {
    super(scope, name);
    // Tests and parallel checkouts keep their state apart from a user's deployment.
    const stateDir = process.env.LEADERBOARD_STATE_DIR;
    if (stateDir) new LocalBackend(this, { path: join(stateDir, `terraform.${name}.tfstate`) });
    this.pipeline = new LeaderboardPipeline(this, 'pipeline', {
      target: props.createTarget(this),
      sink: props.sink,
      config: props.config,
    });
    new TerraformOutput(this, 'dashboard_url', { value: this.pipeline.dashboard.url });
    new TerraformOutput(this, 'flink_ui_url', {
      value: `http://${props.config.expose.bindAddress}:${props.config.flink.uiPort}/`,
    });
  }
}
