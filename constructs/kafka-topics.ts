/**
 * The task creating the pipeline's topics (if missing) with Kafka's own tool, for the stack's brokers
 * and for a Kafka outside the stack alike.
 */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { KAFKA_PASSWORD_ENV, javaClientProperties } from '../common/kafka-client';
import { KafkaClient } from './kafka-client';
import { Endpoint, IPlatform, IService } from './platform/platform';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Extra topic configuration, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly config?: Record<string, string>;
  /** How long, and how much, the topic keeps (a topic that is deleted from, not compacted). */
  readonly retention?: TopicRetention;
}

export interface TopicRetention {
  /** Records older than this are deleted. */
  readonly hours: number;
  /**
   * Most bytes kept per partition; where the stack runs the brokers it is derived from their volume
   * when not given, and refused when it does not fit there.
   * @default - derived from the brokers' volume; unbounded on a Kafka outside the stack
   */
  readonly bytesPerPartition?: number;
}

const MIB = 1024 * 1024;
/** How long a segment past retention takes disk after it was dropped, for readers still on it. */
export const FILE_DELETE_DELAY_MS = 5_000;

/**
 * The topic configuration of `retention`. With `budget`, the bytes one partition may hold on a broker's
 * disk, the bound covers the segment being written too (Kafka deletes whole segments only, so a
 * partition holds up to retention.bytes plus one segment): segments are an eighth of the budget (1 MiB
 * to 1 GiB) and retention.bytes the rest; given bytes keep segments of a quarter of them at most, and
 * are refused unless they and a segment fit.
 */
export function retentionConfig(retention: TopicRetention, budget?: number): Record<string, string> {
  const config: Record<string, string> = { 'retention.ms': String(Math.round(retention.hours * 3_600_000)) };
  if (budget === undefined) {
    if (retention.bytesPerPartition !== undefined) config['retention.bytes'] = String(retention.bytesPerPartition);
    return config;
  }
  const clamp = (n: number) => Math.min(Math.max(Math.floor(n), MIB), 1024 * MIB);
  const given = retention.bytesPerPartition;
  const segment = given === undefined ? clamp(budget / 8) : Math.min(clamp(given / 4), clamp(budget / 8));
  const bytes = given ?? budget - segment;
  if (bytes < MIB || bytes + segment > budget) {
    throw new Error(`a retention of ${bytes} bytes per partition does not fit the ${budget} bytes a partition may use (with one ${segment}-byte segment being written); give at most ${budget - segment}, and at least ${MIB}`);
  }
  // A segment past retention is renamed, then deleted after this delay (Kafka's default is a minute,
  // during which its bytes still take disk).
  return { ...config, 'retention.bytes': String(bytes), 'segment.bytes': String(segment), 'file.delete.delay.ms': String(FILE_DELETE_DELAY_MS) };
}

export interface KafkaTopicsProps {
  readonly platform: IPlatform;
  /** Image following the `apache/kafka` image contract (for `kafka-topics.sh`). */
  readonly image: string;
  readonly bootstrapServers: string;
  readonly client: KafkaClient;
  readonly replicationFactor: number;
  /** Services that must be up first (the stack's brokers). */
  readonly dependsOn: IService[];
  readonly connectsTo: Endpoint[];
  /**
   * The bytes one partition of a topic with a retention may hold on a broker's disk, given the topic's
   * partitions; bounds its retention (see `retentionConfig`).
   * @default - unknown (a Kafka outside the stack): only a given retention.bytes applies
   */
  readonly partitionBudget?: (partitions: number) => number;
}

/** Where the `apache/kafka` image keeps Kafka's tools, and the user it runs as. */
export const KAFKA_BIN = '/opt/kafka/bin';
export const KAFKA_UID = '1000';
const CLIENT_PROPERTIES = '/tmp/leaderboard-client.properties';

export class KafkaTopics extends Construct {
  /** Completed once every topic exists. */
  readonly ready: IService;
  private readonly topics: TopicSpec[] = [];

  private readonly partitionBudget?: (partitions: number) => number;

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    const { client } = props;
    this.partitionBudget = props.partitionBudget;
    this.ready = props.platform.addService(this, {
      name: 'kafka-topics',
      component: 'kafka',
      image: props.image,
      user: KAFKA_UID,
      lifecycle: 'task',
      entrypoint: ['/bin/sh', '-c'],
      command: [Lazy.stringValue({ produce: () => createTopicsScript(props.bootstrapServers, this.topics, props.replicationFactor, client) })],
      env: { KAFKA_HEAP_OPTS: '-Xmx256m' },
      secretEnv: client.password ? { [KAFKA_PASSWORD_ENV]: client.password } : undefined,
      resources: { cpuMillis: 200, memoryMiB: 512 },
      dependsOn: props.dependsOn,
      connectsTo: props.connectsTo,
    });
  }

  /** Creates the topic when the stack deploys, unless it exists. */
  add(topic: TopicSpec): void {
    if (this.topics.some((t) => t.name === topic.name)) throw new Error(`topic '${topic.name}' is added twice`);
    const { retention, ...spec } = topic;
    const bound = retention && retentionConfig(retention, this.partitionBudget?.(topic.partitions));
    this.topics.push(bound ? { ...spec, config: { ...bound, ...spec.config } } : spec);
  }
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A POSIX sh script creating each topic unless it exists, failing loudly otherwise. A Kafka that needs
 * security settings gets them in a client properties file written at run time, the SASL password
 * expanded from the task's environment there and nowhere else.
 */
export function createTopicsScript(bootstrapServers: string, topics: TopicSpec[], replicationFactor = 1, client?: KafkaClient): string {
  const marker = '\u0000password\u0000';
  // A properties file reads `\n` in a value as a line break (a PEM certificate has several lines).
  const properties = Object.entries(client ? javaClientProperties(client.security, marker) : {}).map(([k, v]) => `${k}=${v.replace(/\r?\n/g, '\\n')}`);
  const configFile = properties.length ? ` --command-config ${CLIENT_PROPERTIES}` : '';
  const writeProperties = properties.length
    ? [
        'umask 077',
        `printf '%s\\n' ${properties.map((line) => line.split(marker).map(shellQuote).join(`"$${KAFKA_PASSWORD_ENV}"`)).join(' ')} > ${CLIENT_PROPERTIES}`,
      ]
    : [];
  // Every value is quoted: the bootstrap servers of an external Kafka come from the user's configuration.
  const tool = `${KAFKA_BIN}/kafka-topics.sh --bootstrap-server ${shellQuote(bootstrapServers)}${configFile}`;
  const lines = topics.map((t) => {
    const configs = Object.entries(t.config ?? {}).map(([k, v]) => ` --config ${shellQuote(`${k}=${v}`)}`).join('');
    return `${tool} --create --if-not-exists --topic ${shellQuote(t.name)} --partitions ${t.partitions} --replication-factor ${replicationFactor}${configs}`;
  });
  return ['set -e', ...writeProperties, ...lines, `${tool} --list`].join('\n');
}
