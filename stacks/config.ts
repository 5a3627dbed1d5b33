/**
 * The stack configuration: a JSON file named by env `LEADERBOARD_CONFIG` (optional). Every field has a
 * default; a bad value fails synthesis with a message naming the field and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import {
  DEFAULT_HOT_STREAK_ACTIVE_MINUTES,
  DEFAULT_INPUT_TOPIC,
  POSTGRES_DATABASE,
  DEFAULT_JOB_LAYOUT,
  EVENT_FORMATS,
  EventFormat,
  INPUT_PARTITIONS,
  JOB_LAYOUTS,
  JobLayout,
  MAX_EVENTS_PER_SECOND,
  MAX_HOT_STREAK_ACTIVE_MINUTES,
  STARTUP_MODES,
  StartupMode,
  jobsOf,
} from '../common/contract';
import {
  KAFKA_SASL_MECHANISMS,
  KAFKA_SECURITY_PROTOCOLS,
  KafkaClientSecurity,
  KafkaSaslMechanism,
  KafkaSecurityProtocol,
  KafkaSettingError,
  readKafkaClientSettings,
} from '../common/kafka-client';
import { POSTGRES_PORT, POSTGRES_SSL_MODES, PostgresSslMode } from '../constructs/postgres';
import { FLINK_DEFAULTS } from '../constructs/flink-session';
import { DEFAULT_KAFKA_VOLUME_GIB, kafkaPartitionBudget } from '../constructs/kafka';
import { retentionConfig } from '../constructs/kafka-topics';
import { DEFAULT_INPUT_RETENTION } from '../constructs/pipeline';
import { ANY_API_SERVER, ApiServerAddresses } from '../constructs/platform/k8s/network';
import versions from '../versions.json';


export interface InjectorConfig {
  /** Run the event injector in the stack. */
  readonly enabled: boolean;
  /** Mean event rate (events per second, Poisson arrivals). */
  readonly eventsPerSecond: number;
  /** Stop after this many events; 0 runs forever. */
  readonly maxEvents: number;
  /** Seed of the simulation; null draws a fresh one per start. */
  readonly seed: number | null;
}

export interface EventsConfig {
  /** The input's record values: JSON, or Avro in Confluent's wire format through a schema registry the stack deploys. */
  readonly format: EventFormat;
}

export interface DashboardConfig {
  /** Host port the dashboard is published on. */
  readonly port: number;
}

/** One broker, or a KRaft quorum of three that replicates every topic 3 times. */
export const KAFKA_BROKER_COUNTS = [1, 3] as const;

export interface KafkaConfig {
  /** 1, or 3: every topic replicated 3 times, writes need 2 in-sync replicas, one broker may fail. */
  readonly brokers: (typeof KAFKA_BROKER_COUNTS)[number];
  /** Partitions of the input topic; a job's source runs at most this many useful subtasks. */
  readonly inputTopicPartitions: number;
  /** Size of each broker's data volume, GiB (Kubernetes' claim; on Docker the disk the brokers are budgeted). */
  readonly volumeGiB: number;
  /** The input topic keeps events this long. */
  readonly inputRetentionHours: number;
  /** And at most this many bytes per partition; null derives the most that fits half the volume. */
  readonly inputRetentionBytes: number | null;
  /** A Kafka outside the stack to use instead of its own brokers; null deploys brokers. */
  readonly external: ExternalKafkaConfig | null;
}

export interface ExternalKafkaConfig {
  /** `host:port[,host:port...]`, reachable from the containers or pods. */
  readonly bootstrapServers: string;
  readonly securityProtocol: KafkaSecurityProtocol;
  /** With a SASL_* protocol. */
  readonly saslMechanism: KafkaSaslMechanism;
  /** SASL user name; required with a SASL_* protocol, null otherwise. */
  readonly username: string | null;
  /** Terraform variable of the SASL password: set `TF_VAR_<name>` where cdktf deploy and destroy run. */
  readonly passwordVariable: string;
  /** Replicas of the topics the stack creates there. */
  readonly replicationFactor: number;
  /** PEM file of the certificate authorities to trust (SSL, SASL_SSL) instead of the system's; null: the system's. */
  readonly caCertificateFile: string | null;
}

export interface PostgresConfig {
  /** A PostgreSQL outside the stack for the JDBC boards, instead of its own; null deploys one. */
  readonly external: ExternalPostgresConfig | null;
}

export interface ExternalPostgresConfig {
  /** Host name or address, reachable from the containers or pods. */
  readonly host: string;
  readonly port: number;
  /** An existing database; the boards go into its schema `leaderboard`. */
  readonly database: string;
  /** A role that may create schemas and roles; only the set-up task logs in with it. */
  readonly adminUser: string;
  /** Terraform variable of the admin's password: set `TF_VAR_<name>` where cdktf deploy and destroy run. */
  readonly adminPasswordVariable: string;
  /** `disable`, or `require` (TLS, the server's certificate not verified). */
  readonly sslMode: PostgresSslMode;
}

export interface FlinkConfig {
  /**
   * Host port of the Flink web UI and REST API (Docker); null publishes neither. Whoever reaches the
   * REST API can upload and run code in the JobManager, which holds the stack's passwords.
   */
  readonly uiPort: number | null;
  /** Host address the UI binds to (Docker); a non-loopback one only with `uiAllowRemote`. */
  readonly uiBindAddress: string;
  /** Publish the UI on a non-loopback `uiBindAddress`, knowing that it runs uploaded code. */
  readonly uiAllowRemote: boolean;
  /** Where a fresh job starts reading `user-score`. */
  readonly startupMode: StartupMode;
  /** One job running every INSERT as a statement set (one source scan, faster), or one job per metric. */
  readonly jobLayout: JobLayout;
  /** Task slots of each TaskManager. */
  readonly taskSlots: number;
  /** TaskManagers of the session (Docker: containers; Kubernetes: pods the session keeps up). */
  readonly taskManagers: number;
  /** Parallelism of every job; the jobs of the layout together need parallelism x jobs slots. */
  readonly parallelism: number;
  /** Memory of each TaskManager process, MiB. */
  readonly taskManagerMemoryMiB: number;
  /** CPU of each TaskManager, thousandths of a core (Kubernetes request; Docker limits memory only). */
  readonly taskManagerCpuMillis: number;
  /** The Flink Kubernetes Operator's job autoscaler (Kubernetes stacks). */
  readonly autoscaler: AutoscalerConfig;
}

export interface AutoscalerConfig {
  readonly enabled: boolean;
  /** Busy time per vertex it scales towards (0 < x <= 1). */
  readonly targetUtilization: number;
  readonly minParallelism: number;
  readonly maxParallelism: number;
}

export interface BoardsConfig {
  /** Hot Streaks ranks players with an event within this many minutes of the game clock (the latest event time). */
  readonly hotStreakActiveMinutes: number;
}

export interface ExposeConfig {
  /** Publish Kafka (for kcat and friends) on this host port; null keeps it private. */
  readonly kafkaPort: number | null;
  /** Publish PostgreSQL (for psql) on this host port; null keeps it private. */
  readonly postgresPort: number | null;
  /** Host address every published port binds to. */
  readonly bindAddress: string;
}

export interface ImagesConfig {
  /** Kafka broker image (apache/kafka contract). */
  readonly kafka: string;
  /** PostgreSQL image (official postgres contract). */
  readonly postgres: string;
  /** Base of the project's Flink image (official flink contract). */
  readonly flinkBase: string;
  /** Base of the injector and dashboard images (official node contract). */
  readonly node: string;
  /** Flink Kubernetes Operator image (the Kubernetes stacks; official operator image contract). */
  readonly flinkOperator: string;
}

export interface KubernetesConfig {
  /** Namespace of the pipeline. */
  readonly namespace: string;
  /** kubeconfig file used by the providers. */
  readonly kubeconfigPath: string;
  /** kubeconfig context; null uses the current one. */
  readonly context: string | null;
  /** Registry prefix for the project images (e.g. `localhost:5001/`); empty for `kind load`. */
  readonly imageRegistry: string;
  /**
   * The operator's Helm chart: the URL of a chart repository holding `flink-kubernetes-operator` at
   * versions.json's version, or the absolute path of an unpacked chart directory.
   */
  readonly operatorChart: string;
  /**
   * Where the Flink pods and the operator may send to reach the Kubernetes API server (every other pod
   * of the namespace may not); narrow it to the addresses `kubectl get endpoints kubernetes` lists.
   */
  readonly apiServer: ApiServerAddresses;
}

export interface LeaderboardConfig {
  /** Input topic of game events. */
  readonly inputTopic: string;
  readonly events: EventsConfig;
  readonly injector: InjectorConfig;
  readonly dashboard: DashboardConfig;
  readonly kafka: KafkaConfig;
  readonly postgres: PostgresConfig;
  readonly flink: FlinkConfig;
  readonly boards: BoardsConfig;
  readonly expose: ExposeConfig;
  readonly images: ImagesConfig;
  readonly kubernetes: KubernetesConfig;
}

export const DEFAULT_CONFIG: LeaderboardConfig = {
  inputTopic: DEFAULT_INPUT_TOPIC,
  events: { format: 'json' },
  injector: { enabled: true, eventsPerSecond: 20, maxEvents: 0, seed: null },
  dashboard: { port: 8080 },
  kafka: {
    brokers: 1,
    inputTopicPartitions: INPUT_PARTITIONS,
    volumeGiB: DEFAULT_KAFKA_VOLUME_GIB,
    inputRetentionHours: DEFAULT_INPUT_RETENTION.hours,
    inputRetentionBytes: null,
    external: null,
  },
  postgres: { external: null },
  flink: {
    uiPort: FLINK_DEFAULTS.uiPort,
    uiBindAddress: FLINK_DEFAULTS.bindAddress,
    uiAllowRemote: false,
    startupMode: 'earliest',
    jobLayout: DEFAULT_JOB_LAYOUT,
    taskSlots: FLINK_DEFAULTS.taskSlots,
    taskManagers: FLINK_DEFAULTS.taskManagers,
    parallelism: FLINK_DEFAULTS.parallelism,
    taskManagerMemoryMiB: FLINK_DEFAULTS.taskManagerMemoryMiB,
    taskManagerCpuMillis: FLINK_DEFAULTS.taskManagerCpuMillis,
    autoscaler: { enabled: false, targetUtilization: 0.7, minParallelism: 1, maxParallelism: 8 },
  },
  boards: { hotStreakActiveMinutes: DEFAULT_HOT_STREAK_ACTIVE_MINUTES },
  expose: { kafkaPort: null, postgresPort: null, bindAddress: '127.0.0.1' },
  images: { ...versions.images },
  kubernetes: {
    namespace: 'leaderboard',
    kubeconfigPath: '~/.kube/config',
    context: null,
    imageRegistry: '',
    operatorChart: `https://archive.apache.org/dist/flink/flink-kubernetes-operator-${versions.flinkKubernetesOperator}/`,
    apiServer: ANY_API_SERVER,
  },
};

/** What an external Kafka or PostgreSQL section holds when it leaves a field out. */
export const EXTERNAL_KAFKA_DEFAULTS: ExternalKafkaConfig = {
  bootstrapServers: '',
  securityProtocol: 'PLAINTEXT',
  saslMechanism: 'PLAIN',
  username: null,
  passwordVariable: 'kafka_password',
  replicationFactor: 3,
  caCertificateFile: null,
};
export const EXTERNAL_POSTGRES_DEFAULTS: ExternalPostgresConfig = {
  host: '',
  port: POSTGRES_PORT,
  database: POSTGRES_DATABASE,
  adminUser: '',
  adminPasswordVariable: 'postgres_admin_password',
  sslMode: 'disable',
};

export class ConfigError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`config field '${field}': ${detail}`);
    this.name = 'ConfigError';
  }
}

type Validator<T> = (value: unknown, field: string) => T;

const describe = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

const integer = (min: number, max: number): Validator<number> => (value, field) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
};

/** A number in (0, max]. */
const positiveNumber = (max: number): Validator<number> => (value, field) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new ConfigError(field, `expected a number > 0 and at most ${max}, got ${describe(value)}`);
  }
  return value;
};

const bool: Validator<boolean> = (value, field) => {
  if (typeof value !== 'boolean') throw new ConfigError(field, `expected true or false, got ${describe(value)}`);
  return value;
};

const oneOf = <T extends string | number>(allowed: readonly T[]): Validator<T> => (value, field) => {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(field, `expected one of ${allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
};

const fraction: Validator<number> = (value, field) => {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw new ConfigError(field, `expected a number > 0 and <= 1, got ${describe(value)}`);
  return value;
};

const matching = (pattern: RegExp, what: string): Validator<string> => (value, field) => {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new ConfigError(field, `expected ${what}, got ${describe(value)}`);
  }
  return value;
};

const nullable = <T>(inner: Validator<T>): Validator<T | null> => (value, field) => (value === null ? null : inner(value, field));

const port = integer(1, 65535);
const imageName = matching(/^[a-z0-9][a-z0-9._\-/:@]*$/, 'an image reference such as "repo/name:tag"');
const kubernetesName = matching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a DNS label (lower-case letters, digits and "-")');
const topicName = matching(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name (letters, digits, ".", "_", "-")');
const ipAddress: Validator<string> = (value, field) => {
  if (typeof value !== 'string' || isIP(value) === 0) throw new ConfigError(field, `expected an IPv4 or IPv6 address such as "127.0.0.1", got ${describe(value)}`);
  return value;
};
const cidr: Validator<string> = (value, field) => {
  const [address, bits, ...rest] = typeof value === 'string' ? value.split('/') : [];
  const family = isIP(address ?? '');
  const max = family === 4 ? 32 : 128;
  if (family === 0 || rest.length || !/^\d{1,3}$/.test(bits ?? '') || Number(bits) > max) {
    throw new ConfigError(field, `expected a CIDR block such as "10.0.0.1/32", got ${describe(value)}`);
  }
  return value as string;
};
const listOf = <T>(inner: Validator<T>): Validator<T[]> => (value, field) => {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigError(field, `expected a non-empty list, got ${describe(value)}`);
  return value.map((item, i) => inner(item, `${field}[${i}]`));
};
const nonEmpty = matching(/^.+$/, 'a non-empty string');
const anyString = matching(/^.*$/, 'a string');
// Each server a DNS name, an IPv4 address or a bracketed IPv6 address, and a port: nothing else
// reaches a client's configuration or the topics task's shell.
const bootstrapServers: Validator<string> = (value, field) => {
  const expected = 'host:port[,host:port...] (a DNS name, an IPv4 or a [bracketed] IPv6 address, and a port)';
  if (typeof value !== 'string') throw new ConfigError(field, `expected ${expected}, got ${describe(value)}`);
  for (const server of value.split(',')) {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/.exec(server);
    const hostOk = m !== null && (!m[1].startsWith('[') || isIP(m[1].slice(1, -1)) === 6);
    if (!m || !hostOk || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(field, `expected ${expected}, got ${describe(server)}`);
  }
  return value;
};
const hostName = matching(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name or IPv4 address');
const terraformVariable = matching(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Terraform variable name (letters, digits, "_"), set as TF_VAR_<name>');
const saslUser = matching(/^[^"\\]+$/, 'a user name without " or \\');
const roleName = matching(/^[A-Za-z_][A-Za-z0-9_$]*$/, 'a PostgreSQL role name');
// Terraform runs Helm from the synthesized stack's directory, where a relative path means nothing.
const chartLocation = matching(/^(https?:\/\/\S+|\/\S*)$/, 'a chart repository URL (http(s)://...) or an absolute chart directory path');

type Schema<T> = { readonly [K in keyof T]: Validator<T[K]> };

function section<T>(schema: Schema<T>, defaults: T): Validator<T> {
  return (value, field) => {
    if (value === undefined) return defaults;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(field, `expected an object, got ${describe(value)}`);
    }
    const input = value as Record<string, unknown>;
    const known = Object.keys(schema);
    for (const key of Object.keys(input)) {
      if (!known.includes(key)) {
        throw new ConfigError(field ? `${field}.${key}` : key, `unknown field; allowed: ${known.join(', ')}`);
      }
    }
    const out: Record<string, unknown> = {};
    for (const key of known as (keyof T & string)[]) {
      const path = field ? `${field}.${key}` : key;
      out[key] = key in input ? schema[key](input[key], path) : defaults[key];
    }
    return out as T;
  };
}

const d = DEFAULT_CONFIG;
const configValidator: Validator<LeaderboardConfig> = section<LeaderboardConfig>(
  {
    inputTopic: topicName,
    events: section<EventsConfig>({ format: oneOf(EVENT_FORMATS) }, d.events),
    injector: section<InjectorConfig>(
      {
        enabled: bool,
        eventsPerSecond: positiveNumber(MAX_EVENTS_PER_SECOND),
        maxEvents: integer(0, Number.MAX_SAFE_INTEGER),
        seed: nullable(integer(0, 2 ** 32 - 1)),
      },
      d.injector,
    ),
    dashboard: section<DashboardConfig>({ port }, d.dashboard),
    kafka: section<KafkaConfig>(
      {
        brokers: oneOf(KAFKA_BROKER_COUNTS),
        inputTopicPartitions: integer(1, 1000),
        volumeGiB: integer(1, 65536),
        inputRetentionHours: integer(1, 24 * 365 * 10),
        inputRetentionBytes: nullable(integer(1024 * 1024, Number.MAX_SAFE_INTEGER)),
        external: nullable(
          section<ExternalKafkaConfig>(
            {
              bootstrapServers,
              securityProtocol: oneOf(KAFKA_SECURITY_PROTOCOLS),
              saslMechanism: oneOf(KAFKA_SASL_MECHANISMS),
              username: nullable(saslUser),
              passwordVariable: terraformVariable,
              replicationFactor: integer(1, 16),
              caCertificateFile: nullable(nonEmpty),
            },
            EXTERNAL_KAFKA_DEFAULTS,
          ),
        ),
      },
      d.kafka,
    ),
    postgres: section<PostgresConfig>(
      {
        external: nullable(
          section<ExternalPostgresConfig>(
            {
              host: hostName,
              port,
              database: roleName,
              adminUser: roleName,
              adminPasswordVariable: terraformVariable,
              sslMode: oneOf(POSTGRES_SSL_MODES),
            },
            EXTERNAL_POSTGRES_DEFAULTS,
          ),
        ),
      },
      d.postgres,
    ),
    flink: section<FlinkConfig>(
      {
        uiPort: nullable(port),
        uiBindAddress: ipAddress,
        uiAllowRemote: bool,
        startupMode: oneOf(STARTUP_MODES),
        jobLayout: oneOf(JOB_LAYOUTS),
        taskSlots: integer(1, 64),
        taskManagers: integer(1, 16),
        parallelism: integer(1, 64),
        taskManagerMemoryMiB: integer(1024, 65536),
        taskManagerCpuMillis: integer(100, 64000),
        autoscaler: section<AutoscalerConfig>(
          { enabled: bool, targetUtilization: fraction, minParallelism: integer(1, 64), maxParallelism: integer(1, 64) },
          d.flink.autoscaler,
        ),
      },
      d.flink,
    ),
    boards: section<BoardsConfig>({ hotStreakActiveMinutes: integer(1, MAX_HOT_STREAK_ACTIVE_MINUTES) }, d.boards),
    expose: section<ExposeConfig>({ kafkaPort: nullable(port), postgresPort: nullable(port), bindAddress: ipAddress }, d.expose),
    images: section<ImagesConfig>(
      { kafka: imageName, postgres: imageName, flinkBase: imageName, node: imageName, flinkOperator: imageName },
      d.images,
    ),
    kubernetes: section<KubernetesConfig>(
      {
        namespace: kubernetesName,
        kubeconfigPath: nonEmpty,
        context: nullable(nonEmpty),
        imageRegistry: anyString,
        operatorChart: chartLocation,
        apiServer: section({ cidrs: listOf(cidr), ports: listOf(port) }, d.kubernetes.apiServer),
      },
      d.kubernetes,
    ),
  },
  d,
);

/** 127.0.0.0/8 or ::1: reachable from this machine only. */
export const isLoopback = (address: string): boolean => (isIP(address) === 4 ? address.startsWith('127.') : address === '::1');

/** Validates a parsed configuration object, filling defaults. */
export function parseConfig(input: unknown): LeaderboardConfig {
  const config = configValidator(input ?? {}, '');
  const ports = [
    ['dashboard.port', config.dashboard.port],
    ['flink.uiPort', config.flink.uiPort],
    // Broker n is published on kafkaPort + n - 1.
    ...Array.from({ length: config.kafka.brokers }, (_, i): [string, number | null] => [
      i === 0 ? 'expose.kafkaPort' : `expose.kafkaPort (broker ${i + 1})`,
      config.expose.kafkaPort === null ? null : config.expose.kafkaPort + i,
    ]),
    ['expose.postgresPort', config.expose.postgresPort],
  ].filter((p): p is [string, number] => p[1] !== null);
  for (const [i, [field, value]] of ports.entries()) {
    const clash = ports.slice(0, i).find(([, other]) => other === value);
    if (clash) throw new ConfigError(field, `port ${value} is already used by '${clash[0]}'`);
  }
  const { volumeGiB, brokers, inputTopicPartitions, inputRetentionHours, inputRetentionBytes, external } = config.kafka;
  try {
    retentionConfig(
      { hours: inputRetentionHours, bytesPerPartition: inputRetentionBytes ?? undefined },
      external ? undefined : kafkaPartitionBudget(volumeGiB, brokers, inputTopicPartitions),
    );
  } catch (err) {
    throw new ConfigError('kafka.inputRetentionBytes', `${(err as Error).message} (kafka.volumeGiB ${volumeGiB}, ${brokers} broker(s), ${inputTopicPartitions} partitions)`);
  }
  const { uiBindAddress, uiAllowRemote } = config.flink;
  if (!isLoopback(uiBindAddress) && !uiAllowRemote) {
    throw new ConfigError(
      'flink.uiBindAddress',
      `${uiBindAddress} is not a loopback address: whoever reaches the Flink REST API there can upload and run code in the JobManager, which holds the stack's passwords; set flink.uiAllowRemote to true to publish it anyway`,
    );
  }
  const jobs = jobsOf(config.flink.jobLayout).length;
  const { parallelism, taskSlots, taskManagers } = config.flink;
  if (parallelism * jobs > taskSlots * taskManagers) {
    throw new ConfigError(
      'flink.parallelism',
      `${jobs} job(s) of layout '${config.flink.jobLayout}' at parallelism ${parallelism} need ${parallelism * jobs} task slots; flink.taskSlots x flink.taskManagers is ${taskSlots * taskManagers}`,
    );
  }
  const { autoscaler } = config.flink;
  if (autoscaler.minParallelism > autoscaler.maxParallelism) {
    throw new ConfigError('flink.autoscaler.minParallelism', `${autoscaler.minParallelism} is above maxParallelism ${autoscaler.maxParallelism}`);
  }
  checkExternalServices(config);
  return config;
}

/** The security settings an external Kafka's clients use, with the CA certificate file's content. */
export function externalKafkaSecurity(external: ExternalKafkaConfig): KafkaClientSecurity {
  try {
    return readKafkaClientSettings({
      securityProtocol: external.securityProtocol,
      saslMechanism: external.saslMechanism,
      username: external.username,
      // The password is a Terraform variable, given at deploy.
      hasPassword: true,
      caCertificateFile: external.caCertificateFile,
    });
  } catch (e) {
    if (!(e instanceof KafkaSettingError)) throw e;
    throw new ConfigError(`kafka.external.${e.setting}`, e.message);
  }
}

/** An external service needs its required fields, and the stack's own service's settings do not apply. */
function checkExternalServices(config: LeaderboardConfig): void {
  const kafka = config.kafka.external;
  if (kafka) {
    if (kafka.bootstrapServers === '') throw new ConfigError('kafka.external.bootstrapServers', 'required: the host:port list of the Kafka to use');
    externalKafkaSecurity(kafka);
    if (config.kafka.brokers !== 1) throw new ConfigError('kafka.brokers', 'does not apply with kafka.external (the stack deploys no broker)');
    if (config.expose.kafkaPort !== null) throw new ConfigError('expose.kafkaPort', 'does not apply with kafka.external (the stack deploys no broker)');
  }
  const postgres = config.postgres.external;
  if (postgres) {
    if (postgres.host === '') throw new ConfigError('postgres.external.host', 'required: the host of the PostgreSQL to use');
    if (postgres.adminUser === '') throw new ConfigError('postgres.external.adminUser', 'required: a role that may create schemas and roles there');
    if (config.expose.postgresPort !== null) {
      throw new ConfigError('expose.postgresPort', 'does not apply with postgres.external (the stack deploys no PostgreSQL)');
    }
  }
}

/** Reads the file named by `LEADERBOARD_CONFIG`, or returns the defaults when it is unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LeaderboardConfig {
  const path = env.LEADERBOARD_CONFIG;
  if (!path) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('LEADERBOARD_CONFIG', `cannot read '${path}': ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('LEADERBOARD_CONFIG', `'${path}' is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(parsed);
}
