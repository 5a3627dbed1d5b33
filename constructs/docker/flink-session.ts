/** The Flink session on Docker: JobManager, TaskManager, and a job keeper that (re)submits the jobs through REST. */
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { FLINK_IMAGE, FlinkSessionProps, IFlinkSession, flinkProperties, jobScriptPath, renderFlinkProperties, resolveFlinkOptions } from '../flink-session';
import { Endpoint, IPlatform, IService } from '../platform/platform';

export interface DockerFlinkSessionProps extends FlinkSessionProps {
  readonly platform: IPlatform;
}

export class DockerFlinkSession extends Construct implements IFlinkSession {
  readonly ui: Endpoint;
  readonly jobStatus: Endpoint;
  readonly jobManager: IService;
  /** The first is named `taskmanager`, the others `taskmanager-2`, `taskmanager-3`, ... */
  readonly taskManagers: IService[];
  readonly submitter: IService;

  constructor(scope: Construct, id: string, props: DockerFlinkSessionProps) {
    super(scope, id);
    const { platform } = props;
    const options = resolveFlinkOptions(props);
    const jobManagerName = 'jobmanager';
    const properties = renderFlinkProperties({
      'jobmanager.rpc.address': jobManagerName,
      ...flinkProperties(options),
      ...DOCKER_HEARTBEATS,
    });
    if (options.autoscaler) {
      Annotations.of(this).addWarning('flink.autoscaler is the Flink Kubernetes Operator\'s; the Docker session has no operator and runs every job at its configured parallelism');
    }
    const checkpoints = { name: 'flink-checkpoints', mountPath: FLINK_IMAGE.checkpointsDir };

    this.jobManager = platform.addService(this, {
      name: jobManagerName,
      component: 'jobmanager',
      image: props.image,
      user: FLINK_IMAGE.uid,
      command: ['jobmanager'],
      env: { FLINK_PROPERTIES: properties },
      // The runner's main method runs in the JobManager, so the jobs' secrets live there.
      secretEnv: props.jobSecretEnv,
      ports: [
        {
          name: 'rest',
          containerPort: FLINK_IMAGE.restPort,
          publish: options.uiPort === null ? undefined : { hostPort: options.uiPort, bindAddress: options.bindAddress },
        },
      ],
      volumes: [checkpoints],
      files: props.jobs.map((job) => ({ path: jobScriptPath(job), content: job.sql })),
      health: {
        command: ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${FLINK_IMAGE.restPort}`],
        intervalSec: 3,
        retries: 60,
      },
      resources: { cpuMillis: 500, memoryMiB: 1024 },
      connectsTo: props.jobConnections,
    });
    this.ui = this.jobManager.endpoint('rest');
    this.jobStatus = this.ui;

    this.taskManagers = Array.from({ length: options.taskManagers }, (_, i) =>
      platform.addService(this, {
        name: i === 0 ? 'taskmanager' : `taskmanager-${i + 1}`,
        component: 'taskmanager',
        image: props.image,
        user: FLINK_IMAGE.uid,
        command: ['taskmanager'],
        env: { FLINK_PROPERTIES: properties },
        volumes: [checkpoints],
        resources: { cpuMillis: options.taskManagerCpuMillis, memoryMiB: options.taskManagerMemoryMiB },
        dependsOn: [this.jobManager],
        connectsTo: props.jobConnections,
      }),
    );

    // Without HA a restarted JobManager has no jobs; the keeper stays up to resubmit them from their
    // retained checkpoints (it reads those on the shared volume), and is healthy while all jobs live.
    const healthFile = '/tmp/jobs-alive';
    this.submitter = platform.addService(this, {
      name: 'submitter',
      component: 'submitter',
      image: props.image,
      user: FLINK_IMAGE.uid,
      entrypoint: ['java', '-cp', FLINK_IMAGE.runnerJar, FLINK_IMAGE.submitterMainClass],
      command: [
        '--rest-url', this.ui.url('http'),
        '--jar', FLINK_IMAGE.runnerJar,
        '--checkpoints-dir', FLINK_IMAGE.checkpointsDir,
        '--watch', String(KEEPER_POLL_SEC),
        '--health-file', healthFile,
        // Flink's jar run takes parallelism 1 unless told, whatever the cluster's parallelism.default.
        '--parallelism', String(options.parallelism),
        ...props.jobs.flatMap((job) => ['--job', `${job.name}=${jobScriptPath(job)}`]),
      ],
      volumes: [checkpoints],
      health: {
        command: ['bash', '-c', `test $(( $(date +%s) - $(stat -c %Y ${healthFile}) )) -lt ${3 * KEEPER_POLL_SEC + 5}`],
        intervalSec: KEEPER_POLL_SEC,
        retries: 3,
        // The first submission waits up to 300 s for the cluster; a deploy waits for the keeper's health.
        startPeriodSec: 300,
      },
      resources: { cpuMillis: 100, memoryMiB: 256 },
      dependsOn: [this.jobManager, ...this.taskManagers, ...props.jobDependencies],
      connectsTo: [this.ui],
    });
  }

  /** Every container of a Docker stack shares its one network: there is nothing to open. */
  allowRestClient(): void {}
}

/**
 * Without HA a TaskManager learns that the JobManager it served was replaced only when its heartbeat
 * times out; until then it holds its slots for the lost jobs and nothing can be resubmitted. Flink's
 * default (50 s) is most of a JobManager crash's recovery time here.
 */
export const DOCKER_HEARTBEATS = { 'heartbeat.interval': '5000', 'heartbeat.timeout': '20000' } as const;

/** How often the keeper checks the session's jobs: bounds how long a lost job stays lost. */
const KEEPER_POLL_SEC = 5;
