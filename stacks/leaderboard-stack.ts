/** One deployable stack: a target and a sink variant, composed from the pipeline construct. */
import { LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { SinkVariant } from '../common/contract';
import { LeaderboardPipeline, LeaderboardPipelineProps, PipelineExternalKafka, PipelineExternalPostgres } from '../constructs/pipeline';
import { IDeploymentTarget } from '../constructs/target';
import { dashboardChangeTriggersSql } from '../dashboard/src/postgres-setup';
import { LeaderboardConfig, externalKafkaSecurity } from './config';

export interface LeaderboardStackProps {
  readonly config: LeaderboardConfig;
  readonly sink: SinkVariant;
  readonly createTarget: (scope: Construct) => IDeploymentTarget;
}

/** A password given at deploy time as a sensitive Terraform variable (`TF_VAR_<name>`), as an expression. */
/** A sensitive Terraform variable; `quotable` refuses the characters that would end a quoted JAAS value. */
type SecretVariable = (name: string, description: string, options?: { quotable?: boolean }) => string;

function externalKafka(config: LeaderboardConfig, variable: SecretVariable): PipelineExternalKafka | undefined {
  const external = config.kafka.external;
  if (!external) return undefined;
  const security = externalKafkaSecurity(external);
  return {
    bootstrapServers: external.bootstrapServers,
    security,
    password: security.sasl ? variable(external.passwordVariable, "the SASL password of kafka.external's user", { quotable: true }) : undefined,
    replicationFactor: external.replicationFactor,
  };
}

function externalPostgres(config: LeaderboardConfig, variable: SecretVariable): PipelineExternalPostgres | undefined {
  const external = config.postgres.external;
  if (!external) return undefined;
  const { adminPasswordVariable, ...server } = external;
  return { ...server, adminPassword: variable(adminPasswordVariable, "the password of postgres.external's adminUser") };
}

/** The pipeline's props for one target and sink variant, as the configuration sets them. */
function pipelineProps(config: LeaderboardConfig, target: IDeploymentTarget, sink: SinkVariant, variable: SecretVariable): LeaderboardPipelineProps {
  const { injector } = config;
  const { enabled, ...autoscaler } = config.flink.autoscaler;
  return {
    target,
    sink,
    kafkaImage: config.images.kafka,
    kafkaBrokers: config.kafka.external ? undefined : config.kafka.brokers,
    externalKafka: externalKafka(config, variable),
    externalPostgres: sink === 'jdbc' ? externalPostgres(config, variable) : undefined,
    inputTopicPartitions: config.kafka.inputTopicPartitions,
    inputRetention: { hours: config.kafka.inputRetentionHours, bytesPerPartition: config.kafka.inputRetentionBytes ?? undefined },
    kafkaVolumeGiB: config.kafka.volumeGiB,
    postgresImage: config.images.postgres,
    inputTopic: config.inputTopic,
    startupMode: config.flink.startupMode,
    eventFormat: config.events.format,
    jobLayout: config.flink.jobLayout,
    hotStreakActiveMinutes: config.boards.hotStreakActiveMinutes,
    flink: {
      uiPort: config.flink.uiPort,
      bindAddress: config.flink.uiBindAddress,
      taskSlots: config.flink.taskSlots,
      taskManagers: config.flink.taskManagers,
      parallelism: config.flink.parallelism,
      taskManagerMemoryMiB: config.flink.taskManagerMemoryMiB,
      taskManagerCpuMillis: config.flink.taskManagerCpuMillis,
      autoscaler: enabled ? autoscaler : undefined,
    },
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
    const variable: SecretVariable = (name, description, options) =>
      new TerraformVariable(this, name, {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `${description} (set TF_VAR_${name})`,
        validation: [
          { condition: `\${length(var.${name}) > 0}`, errorMessage: `Set TF_VAR_${name} to ${description}: it is empty.` },
          // The Kafka clients' JAAS configuration quotes the password: a " or \ would end or escape it.
          ...(options?.quotable
            ? [{ condition: `\${!strcontains(var.${name}, "\\"") && !strcontains(var.${name}, "\\\\")}`, errorMessage: `TF_VAR_${name} holds " or \\, which Kafka's JAAS configuration cannot carry: use a password without them.` }]
            : []),
        ],
      }).stringValue;
    this.pipeline = new LeaderboardPipeline(this, 'pipeline', pipelineProps(props.config, target, props.sink, variable));
    const { bindAddress } = props.config.expose;
    new TerraformOutput(this, 'dashboard_url', {
      value: target.browseUrl(this.pipeline.dashboard.endpoint, props.config.dashboard.port, bindAddress),
    });
    const { uiPort, uiBindAddress } = props.config.flink;
    new TerraformOutput(this, 'flink_ui_url', {
      value: uiPort === null ? 'not published (flink.uiPort is null)' : target.browseUrl(this.pipeline.flink.ui, uiPort, uiBindAddress),
    });
  }
}
