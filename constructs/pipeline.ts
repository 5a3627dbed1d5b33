/** The whole leaderboard pipeline on one target: Kafka, sinks, Flink jobs, injector, dashboard. */
import { Construct } from 'constructs';
import { dashboardChangeTriggersSql } from '../dashboard/src/postgres-setup';
import { renderJobs } from '../flink-sql/src/render';
import type { LeaderboardConfig } from '../stacks/config';
import { Dashboard } from './dashboard';
import { IFlinkSession } from './flink-session';
import { Injector } from './injector';
import { Kafka } from './kafka';
import { INPUT_PARTITIONS, SinkVariant } from '../common/contract';
import { ILeaderboardSinks, JdbcSinks, KafkaSinks } from './sinks';
import { IDeploymentTarget } from './target';

export interface LeaderboardPipelineProps {
  readonly target: IDeploymentTarget;
  readonly sink: SinkVariant;
  readonly config: LeaderboardConfig;
}

export class LeaderboardPipeline extends Construct {
  readonly kafka: Kafka;
  readonly sinks: ILeaderboardSinks;
  readonly flink: IFlinkSession;
  readonly dashboard: Dashboard;
  readonly injector?: Injector;

  constructor(scope: Construct, id: string, props: LeaderboardPipelineProps) {
    super(scope, id);
    const { target, config } = props;
    const { platform, images } = target;

    this.kafka = new Kafka(this, 'kafka', {
      platform,
      image: config.images.kafka,
      topics: [{ name: config.inputTopic, partitions: INPUT_PARTITIONS }],
      hostPort: config.expose.kafkaPort ?? undefined,
      bindAddress: config.expose.bindAddress,
    });

    this.sinks = props.sink === 'kafka'
      ? new KafkaSinks(this, 'sinks', { kafka: this.kafka })
      : new JdbcSinks(this, 'sinks', {
        platform,
        postgresImage: config.images.postgres,
        extraInitSql: dashboardChangeTriggersSql(),
        hostPort: config.expose.postgresPort ?? undefined,
        bindAddress: config.expose.bindAddress,
      });

    const jobs = renderJobs({
      sink: this.sinks.renderOptions,
      kafkaBootstrapServers: this.kafka.bootstrapServers,
      inputTopic: config.inputTopic,
      startupMode: config.flink.startupMode,
      layout: config.flink.jobLayout,
    });

    this.flink = target.createFlinkSession(this, 'flink', {
      image: images.flink,
      jobs,
      jobSecretEnv: this.sinks.jobSecretEnv,
      jobDependencies: [this.kafka.ready, ...this.sinks.ready],
      uiPort: config.flink.uiPort,
      bindAddress: config.expose.bindAddress,
      taskSlots: config.flink.taskSlots,
    });

    if (config.injector.enabled) {
      this.injector = new Injector(this, 'injector', {
        platform,
        image: images.injector,
        kafka: this.kafka,
        topic: config.inputTopic,
        eventsPerSecond: config.injector.eventsPerSecond,
        maxEvents: config.injector.maxEvents,
        seed: config.injector.seed ?? undefined,
      });
    }

    this.dashboard = new Dashboard(this, 'dashboard', {
      platform,
      image: images.dashboard,
      sinks: this.sinks,
      hostPort: config.dashboard.port,
      bindAddress: config.expose.bindAddress,
    });
  }
}
