/** One deployable stack: a target and a sink variant, composed from the pipeline construct. */
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { SinkVariant } from '../common/contract';
import { LeaderboardPipeline, LeaderboardPipelineProps } from '../constructs/pipeline';
import { IDeploymentTarget } from '../constructs/target';
import { dashboardChangeTriggersSql } from '../dashboard/src/postgres-setup';
import { LeaderboardConfig } from './config';

export interface LeaderboardStackProps {
  readonly config: LeaderboardConfig;
  readonly sink: SinkVariant;
  readonly createTarget: (scope: Construct) => IDeploymentTarget;
}

/** The pipeline's props for one target and sink variant, as the configuration sets them. */
function pipelineProps(config: LeaderboardConfig, target: IDeploymentTarget, sink: SinkVariant): LeaderboardPipelineProps {
  const { injector } = config;
  const { enabled, ...autoscaler } = config.flink.autoscaler;
  return {
    target,
    sink,
    kafkaImage: config.images.kafka,
    kafkaBrokers: config.kafka.brokers,
    inputTopicPartitions: config.kafka.inputTopicPartitions,
    postgresImage: config.images.postgres,
    inputTopic: config.inputTopic,
    startupMode: config.flink.startupMode,
    jobLayout: config.flink.jobLayout,
    hotStreakActiveMinutes: config.boards.hotStreakActiveMinutes,
    flinkUiPort: config.flink.uiPort,
    flinkTaskSlots: config.flink.taskSlots,
    flinkTaskManagers: config.flink.taskManagers,
    flinkParallelism: config.flink.parallelism,
    flinkTaskManagerMemoryMiB: config.flink.taskManagerMemoryMiB,
    flinkTaskManagerCpuMillis: config.flink.taskManagerCpuMillis,
    flinkAutoscaler: enabled ? autoscaler : undefined,
    dashboardPort: config.dashboard.port,
    bindAddress: config.expose.bindAddress,
    kafkaHostPort: config.expose.kafkaPort ?? undefined,
    postgresHostPort: config.expose.postgresPort ?? undefined,
    // The dashboard follows the JDBC boards through these triggers' notifications.
    postgresInitSql: dashboardChangeTriggersSql(),
    injector: injector.enabled
      ? { eventsPerSecond: injector.eventsPerSecond, maxEvents: injector.maxEvents, seed: injector.seed ?? undefined }
      : undefined,
  };
}

export class LeaderboardStack extends TerraformStack {
  readonly pipeline: LeaderboardPipeline;

  constructor(scope: Construct, name: string, props: LeaderboardStackProps) {
    super(scope, name);
    // Tests and parallel checkouts keep their state apart from a user's deployment.
    const stateDir = process.env.LEADERBOARD_STATE_DIR;
    if (stateDir) new LocalBackend(this, { path: join(stateDir, `terraform.${name}.tfstate`) });
    const target = props.createTarget(this);
    this.pipeline = new LeaderboardPipeline(this, 'pipeline', pipelineProps(props.config, target, props.sink));
    const { bindAddress } = props.config.expose;
    new TerraformOutput(this, 'dashboard_url', {
      value: target.browseUrl(this.pipeline.dashboard.endpoint, props.config.dashboard.port, bindAddress),
    });
    new TerraformOutput(this, 'flink_ui_url', {
      value: target.browseUrl(this.pipeline.flink.ui, props.config.flink.uiPort, bindAddress),
    });
  }
}
