/**
 * The Flink session cluster and the submission of the leaderboard SQL jobs. This is the one piece
 * whose shape differs by target: on Docker a JobManager, a TaskManager and a job keeper; on
 * Kubernetes the Flink Kubernetes Operator, a session FlinkDeployment and FlinkSessionJobs.
 */
import { Endpoint, IService, SecretRef } from './platform/platform';

/** One Flink job: a SQL script run by the project's SQL runner. */
export interface SqlJob {
  /** Job name (also Flink's `pipeline.name`), unique in the session. */
  readonly name: string;
  readonly sql: string;
}

/** Paths and entry points inside the project's Flink image. */
export const FLINK_IMAGE = {
  runnerJar: '/opt/flink/usrlib/leaderboard-sql-runner.jar',
  runnerMainClass: 'leaderboard.sqlrunner.SqlRunner',
  submitterMainClass: 'leaderboard.sqlrunner.DockerSubmitter',
  jobsDir: '/opt/flink/jobs',
  checkpointsDir: '/opt/flink/checkpoints',
  uid: '9999',
  restPort: 8081,
} as const;

export const jobScriptPath = (job: SqlJob): string => `${FLINK_IMAGE.jobsDir}/${job.name}.sql`;

/** How the session is sized and published: the options a user sets, each defaulted once (FLINK_DEFAULTS). */
export interface FlinkSessionOptions {
  /**
   * Host port of the Flink web UI and REST API (Docker): whoever reaches it can upload and run code
   * in the JobManager. null publishes neither.
   * @default 8081
   */
  readonly uiPort?: number | null;
  /**
   * Host address the UI binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Task slots of each TaskManager.
   * @default 5 (one per job of the per-metric layout)
   */
  readonly taskSlots?: number;
  /**
   * TaskManagers of the session. Docker runs that many containers; on Kubernetes the session's
   * resource manager keeps at least that many pods (Flink's `slotmanager.number-of-slots.min`: native
   * mode starts TaskManagers itself, the operator's `replicas` applies to standalone mode only).
   * @default 1
   */
  readonly taskManagers?: number;
  /**
   * Parallelism of every job: each takes this many slots (a statement set shares them across its
   * statements), so the jobs together need parallelism x jobs slots of taskSlots x taskManagers.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Memory of each TaskManager process (Flink's `taskmanager.memory.process.size`), MiB; also its
   * container's memory limit.
   * @default 1728
   */
  readonly taskManagerMemoryMiB?: number;
  /**
   * CPU of each TaskManager, in thousandths of a core: on Kubernetes its request (the limit is 4 times
   * that); Docker applies memory limits only.
   * @default 500
   */
  readonly taskManagerCpuMillis?: number;
  /**
   * The Flink Kubernetes Operator's job autoscaler for every job (Kubernetes only: the Docker session
   * has no operator and warns at synth when it is enabled).
   * @default - off
   */
  readonly autoscaler?: FlinkAutoscalerProps;
}

export interface FlinkSessionProps extends FlinkSessionOptions {
  /** The project's Flink image (connectors, driver, runner). */
  readonly image: string;
  readonly jobs: readonly SqlJob[];
  /** Environment the jobs' scripts need at run time (e.g. the JDBC password placeholder). */
  readonly jobSecretEnv: Record<string, SecretRef>;
  /** Services that must be ready before jobs are submitted (topics, tables). */
  readonly jobDependencies: IService[];
  /** What the jobs connect to: their sources and sinks. */
  readonly jobConnections: Endpoint[];
}

/** The operator's job autoscaler (its `job.autoscaler.*` options), per job. */
export interface FlinkAutoscalerProps {
  /** Busy time per vertex the autoscaler scales towards, 0 to 1 (`job.autoscaler.utilization.target`). */
  readonly targetUtilization: number;
  /** Lowest parallelism it may give a vertex. */
  readonly minParallelism: number;
  /** Highest parallelism it may give a vertex; a source gets at most the topic's partitions. */
  readonly maxParallelism: number;
}

/** The session job options that turn the autoscaler on with `props`. */
export function autoscalerOptions(props: FlinkAutoscalerProps): Record<string, string> {
  return {
    'job.autoscaler.enabled': 'true',
    'job.autoscaler.utilization.target': String(props.targetUtilization),
    'job.autoscaler.vertex.min-parallelism': String(props.minParallelism),
    'job.autoscaler.vertex.max-parallelism': String(props.maxParallelism),
  };
}

type ResolvedFlinkOptions = Required<Omit<FlinkSessionOptions, 'autoscaler'>> & Pick<FlinkSessionOptions, 'autoscaler'>;

/** The default of each option; the app's configuration starts from these too. */
export const FLINK_DEFAULTS = {
  uiPort: 8081,
  bindAddress: '127.0.0.1',
  // One slot per job of the per-metric layout.
  taskSlots: 5,
  taskManagers: 1,
  parallelism: 1,
  taskManagerMemoryMiB: 1728,
  taskManagerCpuMillis: 500,
} as const;

const positiveInteger = (name: string, value: number, max: number): void => {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`FlinkSession: ${name} must be an integer from 1 to ${max}, got ${value}`);
};

/**
 * `props`' options with their defaults, checked: a session that cannot run its jobs is refused here,
 * naming the option, rather than left for Flink to wait on slots that never come.
 */
export function resolveFlinkOptions(props: FlinkSessionProps): ResolvedFlinkOptions {
  const options: ResolvedFlinkOptions = {
    ...FLINK_DEFAULTS,
    ...Object.fromEntries(Object.entries(props).filter(([key, value]) => key in FLINK_DEFAULTS && value !== undefined)),
    autoscaler: props.autoscaler,
  };
  positiveInteger('taskSlots', options.taskSlots, 1024);
  positiveInteger('taskManagers', options.taskManagers, 1024);
  positiveInteger('parallelism', options.parallelism, 1024);
  const slots = options.taskSlots * options.taskManagers;
  if (options.parallelism * props.jobs.length > slots) {
    throw new Error(
      `FlinkSession: ${props.jobs.length} jobs at parallelism ${options.parallelism} need ${options.parallelism * props.jobs.length} task slots; taskSlots x taskManagers gives ${slots}`,
    );
  }
  if (options.taskManagerMemoryMiB < 1024) throw new Error(`FlinkSession: taskManagerMemoryMiB must be at least 1024, got ${options.taskManagerMemoryMiB}`);
  return options;
}

/** What the rest of the pipeline knows of the session. */
export interface IFlinkSession {
  /** The web UI and REST API, for reaching it from the user's machine. */
  readonly ui: Endpoint;
  /** Where the dashboard reads the jobs' states; absent where the target keeps the session's API from it. */
  readonly jobStatus?: Endpoint;
  /** Lets `client`, a service of the stack, use the REST API (which runs uploaded code) where the target isolates it. */
  allowRestClient(client: IService): void;
}

/** Cluster configuration shared by both targets (Flink's `key: value` syntax). */
export function flinkProperties({ taskSlots, parallelism, taskManagerMemoryMiB }: ResolvedFlinkOptions): Record<string, string> {
  return {
    'taskmanager.numberOfTaskSlots': String(taskSlots),
    'parallelism.default': String(parallelism),
    'state.backend.type': 'hashmap',
    'state.checkpoints.dir': `file://${FLINK_IMAGE.checkpointsDir}`,
    'execution.checkpointing.interval': '10s',
    // Kept when a job is cancelled or lost, so it can be resubmitted from where it was.
    'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
    'jobmanager.memory.process.size': '1024m',
    'taskmanager.memory.process.size': `${taskManagerMemoryMiB}m`,
    'rest.bind-address': '0.0.0.0',
  };
}

export const renderFlinkProperties = (props: Record<string, string>): string =>
  Object.entries(props).map(([k, v]) => `${k}: ${v}`).join('\n');
