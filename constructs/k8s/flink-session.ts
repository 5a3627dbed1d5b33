/**
 * The Flink session on Kubernetes: the Flink Kubernetes Operator from its Helm chart, a
 * session-mode FlinkDeployment running the project's Flink image, and one FlinkSessionJob per SQL job
 * that runs the SQL runner jar with the job's script.
 *
 * Webhook certificates: the operator's admission webhook is disabled (`webhook.create=false`), so no
 * cert-manager is needed. The operator validates every resource in its reconcile loop all the same
 * (an invalid one gets an error in its status instead of a rejected apply), and the tests validate
 * the resources against the operator's CRD schemas before anything is deployed.
 *
 * CRDs at plan time: the custom resources are not `kubernetes_manifest` resources (whose plan needs
 * the CRDs to exist already) but the templates of a small local chart, installed by a second Helm
 * release that depends on the operator's. Helm resolves their kinds only when it installs them, after
 * the operator's chart has created the CRDs, so one `cdktf deploy` sets up everything; destroying
 * uninstalls the resources first, while the operator still runs to clear their finalizers.
 */
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { join } from 'node:path';
import {
  FLINK_IMAGE,
  FlinkAutoscalerProps,
  FlinkSessionProps,
  IFlinkSession,
  SqlJob,
  autoscalerOptions,
  flinkProperties,
  jobScriptPath,
  resolveFlinkOptions,
} from '../flink-session';
import { IService, endpoint, terraformLiteral } from '../platform/platform';
import { COMPONENT_LABEL, Labels, STACK_LABEL, serviceSelector } from '../platform/k8s/metadata';
import { K8sPlatform } from '../platform/k8s/platform';
import { Client } from '../platform/k8s/network';
import { SOFT_NODE_SPREAD } from '../platform/k8s/pod';
import { containerSecurityContext, podSecurityContext } from '../platform/k8s/security';
import { ArtifactServer } from '../artifact-server';

/** Name of the session FlinkDeployment (the operator allows at most 45 characters). */
export const SESSION_DEPLOYMENT_NAME = 'leaderboard-flink';
/** The labels native Kubernetes mode gives the session's JobManager and TaskManager pods. */
const FLINK_POD_SELECTOR: Labels = { app: SESSION_DEPLOYMENT_NAME, type: 'flink-native-kubernetes' };
/** The job service account the operator's chart creates, with the rights native Kubernetes mode needs. */
export const FLINK_SERVICE_ACCOUNT = 'flink';
export const FLINK_API_VERSION = 'flink.apache.org/v1beta1';
/** The project's Flink 1.20; operator 1.15 accepts v1_13 to v2_4. */
export const FLINK_VERSION = 'v1_20';
export const OPERATOR_CHART_NAME = 'flink-kubernetes-operator';
/** Labels of the operator's pod, set by its chart. */
export const OPERATOR_SELECTOR: Labels = { 'app.kubernetes.io/name': 'flink-kubernetes-operator' };
/** The user the operator's pod runs as. */
const OPERATOR_USER = '9999';

/** Port of the TaskManager's RPC endpoint in native Kubernetes mode. */
const TASKMANAGER_RPC_PORT = 6122;
const MAIN_CONTAINER = 'flink-main-container';
const JOBS_VOLUME = 'jobs';
const CHECKPOINTS_VOLUME = 'flink-checkpoints';
/**
 * The checkpoint and HA claim: the jobs keep one checkpoint each, a few MiB after twelve hours of play
 * (flink-sql/test/long-run.int.test.ts measures it, docs/sizing.md tables it).
 */
export const DEFAULT_CHECKPOINT_STORAGE_GIB = 2;
/**
 * CPU requests in cores, as the FlinkDeployment's resources take it; memory comes from the shared
 * properties. Small requests with a limit CPU_LIMIT_FACTOR times higher: the whole pipeline then
 * schedules on a 2-core node, and Flink still bursts when there is CPU to spare.
 */
const JOBMANAGER_CPU = 0.25;
const CPU_LIMIT_FACTOR = 4;

export interface K8sFlinkSessionProps extends FlinkSessionProps {
  readonly platform: K8sPlatform;
  readonly operator: OperatorProps;
  /** An image with `node`, which serves the runner jar to the operator. */
  readonly nodeImage: string;
  /**
   * Size of the checkpoint volume shared by the JobManager and the TaskManagers.
   * @default DEFAULT_CHECKPOINT_STORAGE_GIB
   */
  readonly checkpointStorageGiB?: number;
}

export interface OperatorProps {
  /** Version of the operator's Helm chart, when it comes from a chart repository. */
  readonly version: string;
  /** A chart repository URL, or the absolute path of a chart directory. */
  readonly chart: string;
  /** The operator image, `repository[:tag][@digest]`. */
  readonly image: string;
}

/** A Kubernetes custom resource, as plain JSON. */
export interface CustomResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Labels };
  readonly spec: Record<string, unknown>;
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class K8sFlinkSession extends Construct implements IFlinkSession {
  /** The REST Service the operator creates for the session. */
  readonly ui = endpoint(`${SESSION_DEPLOYMENT_NAME}-rest`, FLINK_IMAGE.restPort);
  /** URL of the runner jar, namespace-qualified so that an operator watching from another namespace resolves it too. */
  readonly runnerJarUri: string;
  readonly operator: Release;
  readonly resourcesRelease: Release;
  readonly deployment: CustomResource;
  readonly sessionJobs: CustomResource[];
  readonly artifactServer: ArtifactServer;
  readonly jobsConfigMap: ConfigMapV1;
  private readonly platform: K8sPlatform;
  private readonly jobManagerSelector: Labels = { ...FLINK_POD_SELECTOR, component: 'jobmanager' };

  constructor(scope: Construct, id: string, props: K8sFlinkSessionProps) {
    super(scope, id);
    const { platform } = props;
    this.platform = platform;
    const namespace = platform.namespace;
    for (const job of props.jobs) {
      if (!K8S_NAME.test(job.name) || job.name.length > 63) {
        throw new Error(`Flink job name '${job.name}' must be a DNS label (lower-case letters, digits, '-'; at most 63) to name its FlinkSessionJob`);
      }
    }

    const fromRepository = /^https?:\/\//.test(props.operator.chart);
    this.operator = new Release(this, 'operator', {
      name: OPERATOR_CHART_NAME,
      // A chart directory carries its own version; Helm ignores `version` for a path.
      ...(fromRepository
        ? { repository: props.operator.chart, chart: OPERATOR_CHART_NAME, version: props.operator.version }
        : { chart: props.operator.chart }),
      namespace: platform.namespaceResource.metadata.name,
      values: [terraformLiteral(JSON.stringify(operatorValues(platform, props.operator.image)))],
      wait: true,
      timeout: 600,
    });

    this.artifactServer = new ArtifactServer(this, 'artifacts', { platform, flinkImage: props.image, nodeImage: props.nodeImage });
    const artifacts = this.artifactServer.endpoint;
    this.runnerJarUri = `http://${artifacts.host}.${namespace}.svc:${artifacts.port}${this.artifactServer.runnerJarPath}`;

    this.jobsConfigMap = new ConfigMapV1(this, 'jobs', {
      metadata: platform.metadata(`${SESSION_DEPLOYMENT_NAME}-jobs`, { [COMPONENT_LABEL]: 'jobmanager' }),
      data: Object.fromEntries(props.jobs.map((job) => [jobScriptPath(job).split('/').pop()!, terraformLiteral(job.sql)])),
    });

    const checkpoints = new PersistentVolumeClaimV1(this, 'checkpoints', {
      metadata: platform.metadata(`${SESSION_DEPLOYMENT_NAME}-checkpoints`),
      spec: {
        // One node (kind) mounts a ReadWriteOnce volume into every pod scheduled there; a multi-node
        // cluster needs a ReadWriteMany class here or an object store as checkpoint directory.
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: `${props.checkpointStorageGiB ?? DEFAULT_CHECKPOINT_STORAGE_GIB}Gi` } },
      },
      // Volumes of WaitForFirstConsumer classes bind only when the JobManager pod mounts them.
      waitUntilBound: false,
    });

    const options = resolveFlinkOptions(props);
    const { taskSlots, taskManagers } = options;
    this.deployment = sessionDeployment({
      namespace,
      stackName: platform.stackName,
      image: props.image,
      properties: {
        ...flinkProperties(options),
        // Where the operator takes the savepoint a rescaled (autoscaler) or changed job restarts from.
        'state.savepoints.dir': `file://${FLINK_IMAGE.checkpointsDir}/savepoints`,
        // Nothing here resubmits a cancelled job from its checkpoints (a stateless upgrade starts afresh,
        // a savepoint upgrade takes a savepoint, a lost JobManager's jobs return through HA), so a job
        // the operator cancels takes its checkpoint directory with it instead of leaving it on the claim.
        'execution.checkpointing.externalized-checkpoint-retention': 'DELETE_ON_CANCELLATION',
        // Native mode starts TaskManagers for the jobs' slot requests; this keeps the configured number up.
        ...(taskManagers > 1 ? { 'slotmanager.number-of-slots.min': String(taskManagers * taskSlots) } : {}),
      },
      jobSecretEnv: Object.entries(props.jobSecretEnv).map(([name, ref]) => ({
        name,
        valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
      })),
      jobsConfigMap: `${SESSION_DEPLOYMENT_NAME}-jobs`,
      checkpointsClaim: `${SESSION_DEPLOYMENT_NAME}-checkpoints`,
      taskManagerCpu: options.taskManagerCpuMillis / 1000,
    });
    this.sessionJobs = props.jobs.map((job) =>
      sessionJob(job, { namespace, stackName: platform.stackName, jarUri: this.runnerJarUri, parallelism: options.parallelism, autoscaler: options.autoscaler }));

    const chart = new TerraformAsset(this, 'resources-chart', {
      path: join(__dirname, 'flink-resources-chart'),
      type: AssetType.DIRECTORY,
    });
    this.resourcesRelease = new Release(this, 'resources', {
      name: SESSION_DEPLOYMENT_NAME,
      chart: chart.path,
      namespace: platform.namespaceResource.metadata.name,
      values: [terraformLiteral(JSON.stringify({ resources: [this.deployment, ...this.sessionJobs] }))],
      // On uninstall, wait until the operator has removed the session cluster behind its finalizers.
      wait: true,
      timeout: 600,
      dependsOn: [
        this.operator,
        this.jobsConfigMap,
        checkpoints,
        this.artifactServer.service.dependable,
        ...props.jobDependencies.map((d: IService) => d.dependable),
      ],
    });

    // Network: the Flink pods talk among themselves; the REST API, which runs uploaded code in the
    // JobManager, admits only them, the operator and the clients allowRestClient names (`kubectl
    // port-forward`, the UI's way in, is not subject to policies); the operator fetches the jar; the
    // jobs reach their sources and sinks; the pods send nowhere else.
    const flink: Client = { name: 'flink', selector: FLINK_POD_SELECTOR };
    const operator: Client = { name: OPERATOR_CHART_NAME, selector: OPERATOR_SELECTOR };
    platform.allowTraffic(this, 'flink-cluster', [flink], flink.selector);
    platform.allowTraffic(this, 'flink-rest', [operator], this.jobManagerSelector, [FLINK_IMAGE.restPort]);
    platform.allowConnections(this, operator, [artifacts]);
    platform.allowConnections(this, flink, props.jobConnections);
    // The JobManager starts its TaskManagers and both keep their HA leases as Kubernetes objects.
    platform.allowApiServer(this, flink);
    platform.allowApiServer(this, operator);
    if (taskManagers > 1) platform.limitDisruption(this, `${SESSION_DEPLOYMENT_NAME}-taskmanagers`, { ...flink.selector, component: 'taskmanager' });
  }

  allowRestClient(client: IService): void {
    const selector = serviceSelector(this.platform.stackName, client.name);
    this.platform.allowTraffic(this, `flink-rest-from-${client.name}`, [{ name: client.name, selector }], this.jobManagerSelector, [FLINK_IMAGE.restPort]);
  }
}

/** The chart's image values for `repository[:tag][@digest]`; the chart prefers a digest over a tag. */
export function operatorImageValues(ref: string): Record<string, string> {
  const [name, digest = ''] = ref.split('@', 2);
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return {
    repository: hasTag ? name.slice(0, colon) : name,
    // The chart falls back to its appVersion for an empty tag.
    tag: hasTag ? name.slice(colon + 1) : '',
    digest,
    pullPolicy: 'IfNotPresent',
  };
}

/**
 * Operator options, as the chart's flink-conf.yaml overrides (the file the chart mounts while its
 * values carry that key). They replace the chart's default overrides, whose faster reconcile and
 * progress-check intervals are kept.
 *
 * The runner jar comes over http from the in-cluster artifact server, whose Service address is
 * private; operator 1.15 fetches session-job jars only over https from public addresses unless told
 * otherwise. The operator watches only the stack namespace, and the artifact server admits only the
 * operator's pods (docs/kubernetes.md). The legacy flink-conf.yaml format separates list items by ';'.
 */
export const OPERATOR_FLINK_CONF: Record<string, string> = {
  'kubernetes.operator.reconcile.interval': '15 s',
  'kubernetes.operator.observer.progress-check.interval': '5 s',
  'kubernetes.operator.user.artifacts.allowed-schemes': 'https;http',
  'kubernetes.operator.user.artifacts.disallow-restricted-hosts': 'false',
};

function operatorValues(platform: K8sPlatform, image: string): Record<string, unknown> {
  return {
    image: operatorImageValues(image),
    watchNamespaces: [platform.namespace],
    webhook: { create: false },
    defaultConfiguration: {
      'flink-conf.yaml': Object.entries(OPERATOR_FLINK_CONF).map(([key, value]) => `${key}: ${value}\n`).join(''),
    },
    operatorPod: {
      labels: { [STACK_LABEL]: platform.stackName },
      resources: { requests: { cpu: '100m', memory: '768Mi' }, limits: { cpu: '1000m', memory: '768Mi' } },
    },
    podSecurityContext: podSecurityContext(OPERATOR_USER),
    operatorSecurityContext: containerSecurityContext(OPERATOR_USER),
  };
}

/**
 * Flink's Kubernetes HA services: a session without them forgets its jobs when its JobManager pod
 * goes, and the operator would resubmit the FlinkSessionJobs from scratch (`upgradeMode: stateless`).
 * With them the new JobManager takes the jobs back from the leader ConfigMaps and restores each from
 * its latest checkpoint. The job graphs and checkpoint pointers live beside the checkpoints, on the
 * volume every Flink pod mounts; the `flink` service account already may edit ConfigMaps.
 */
export const HIGH_AVAILABILITY: Record<string, string> = {
  'high-availability.type': 'kubernetes',
  'high-availability.storageDir': `file://${FLINK_IMAGE.checkpointsDir}/ha`,
};

interface SessionDeploymentOptions {
  readonly namespace: string;
  readonly stackName: string;
  readonly image: string;
  readonly properties: Record<string, string>;
  readonly jobSecretEnv: Record<string, unknown>[];
  readonly jobsConfigMap: string;
  readonly checkpointsClaim: string;
  /** CPU request of each TaskManager, in cores. */
  readonly taskManagerCpu: number;
}

/** A pod template for one Flink process (JobManager or TaskManager), merged by the operator into its pods. */
function flinkPodTemplate(
  stackName: string,
  component: 'jobmanager' | 'taskmanager',
  container: Record<string, unknown>,
  volumes: Record<string, unknown>[],
  podSpec: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { [STACK_LABEL]: stackName, [COMPONENT_LABEL]: component, 'app.kubernetes.io/part-of': 'leaderboard-stack' } },
    spec: {
      securityContext: podSecurityContext(FLINK_IMAGE.uid),
      enableServiceLinks: false,
      containers: [
        {
          name: MAIN_CONTAINER,
          securityContext: containerSecurityContext(FLINK_IMAGE.uid),
          ...container,
        },
      ],
      volumes,
      ...podSpec,
    },
  };
}

const tcpProbes = (port: number, startSeconds: number) => ({
  startupProbe: { tcpSocket: { port }, periodSeconds: 5, failureThreshold: Math.ceil(startSeconds / 5) },
  readinessProbe: { tcpSocket: { port }, periodSeconds: 5, failureThreshold: 3 },
  livenessProbe: { tcpSocket: { port }, periodSeconds: 15, failureThreshold: 4 },
});

/**
 * The session cluster. JobManager and TaskManager get complete pod templates of their own (no shared
 * top-level one): the operator merges template arrays by position unless told otherwise (1.15 still
 * does), which would mix up volumes of the two levels.
 */
export function sessionDeployment(o: SessionDeploymentOptions): CustomResource {
  const checkpoints = { name: CHECKPOINTS_VOLUME, persistentVolumeClaim: { claimName: o.checkpointsClaim } };
  const checkpointsMount = { name: CHECKPOINTS_VOLUME, mountPath: FLINK_IMAGE.checkpointsDir };
  return {
    apiVersion: FLINK_API_VERSION,
    kind: 'FlinkDeployment',
    metadata: { name: SESSION_DEPLOYMENT_NAME, namespace: o.namespace, labels: { [STACK_LABEL]: o.stackName } },
    spec: {
      image: o.image,
      imagePullPolicy: 'IfNotPresent',
      flinkVersion: FLINK_VERSION,
      serviceAccount: FLINK_SERVICE_ACCOUNT,
      flinkConfiguration: {
        ...o.properties,
        'kubernetes.jobmanager.cpu.limit-factor': String(CPU_LIMIT_FACTOR),
        'kubernetes.taskmanager.cpu.limit-factor': String(CPU_LIMIT_FACTOR),
        ...HIGH_AVAILABILITY,
      },
      jobManager: {
        replicas: 1,
        resource: { cpu: JOBMANAGER_CPU, memory: o.properties['jobmanager.memory.process.size'] },
        // The SQL runner's main method runs in the JobManager: the scripts and the jobs' secrets live there.
        podTemplate: flinkPodTemplate(
          o.stackName,
          'jobmanager',
          {
            env: o.jobSecretEnv,
            volumeMounts: [checkpointsMount, { name: JOBS_VOLUME, mountPath: FLINK_IMAGE.jobsDir, readOnly: true }],
            ...tcpProbes(FLINK_IMAGE.restPort, 180),
          },
          [checkpoints, { name: JOBS_VOLUME, configMap: { name: o.jobsConfigMap } }],
        ),
      },
      taskManager: {
        resource: { cpu: o.taskManagerCpu, memory: o.properties['taskmanager.memory.process.size'] },
        podTemplate: flinkPodTemplate(
          o.stackName,
          'taskmanager',
          { volumeMounts: [checkpointsMount], ...tcpProbes(TASKMANAGER_RPC_PORT, 180) },
          [checkpoints],
          { topologySpreadConstraints: [{ ...SOFT_NODE_SPREAD, labelSelector: { matchLabels: { app: SESSION_DEPLOYMENT_NAME, component: 'taskmanager' } } }] },
        ),
      },
    },
  };
}

/** One SQL job of the session: the runner jar, run with the job's script. */
export function sessionJob(
  job: SqlJob,
  o: { namespace: string; stackName: string; jarUri: string; parallelism: number; autoscaler?: FlinkAutoscalerProps },
): CustomResource {
  return {
    apiVersion: FLINK_API_VERSION,
    kind: 'FlinkSessionJob',
    metadata: { name: job.name, namespace: o.namespace, labels: { [STACK_LABEL]: o.stackName } },
    spec: {
      deploymentName: SESSION_DEPLOYMENT_NAME,
      ...(o.autoscaler ? { flinkConfiguration: autoscalerOptions(o.autoscaler) } : {}),
      job: {
        jarURI: o.jarUri,
        entryClass: FLINK_IMAGE.runnerMainClass,
        args: ['--script', jobScriptPath(job)],
        parallelism: o.parallelism,
        // A changed job starts afresh and rebuilds its state from the retained input topic; one the
        // autoscaler rescales keeps its state through a savepoint, or every rescale would rebuild it.
        upgradeMode: o.autoscaler ? 'savepoint' : 'stateless',
        state: 'running',
      },
    },
  };
}
