/** A single-broker Kafka cluster in KRaft mode, plus the topics the pipeline needs. */
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { Endpoint, IPlatform, IService, endpoint } from './platform/platform';

/** What other components need to know of Kafka. */
export interface IKafka {
  /** The broker's listener for clients inside the deployment. */
  readonly endpoint: Endpoint;
  /** `host:port` list reachable from inside the deployment. */
  readonly bootstrapServers: string;
  /** Ready once the broker is healthy and the topics exist. */
  readonly ready: IService;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Extra topic configuration, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly config?: Record<string, string>;
}

export interface KafkaProps {
  readonly platform: IPlatform;
  /** Image following the `apache/kafka` image contract. */
  readonly image: string;
  /**
   * Topics created (if missing) right after the broker is up; more can be added with `addTopic`.
   * @default - none
   */
  readonly topics?: TopicSpec[];
  /**
   * Publish the broker to the host on this port (an extra listener advertised as `localhost:<port>`).
   * @default - not published
   */
  readonly hostPort?: number;
  /**
   * Host address the published port binds to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Broker heap (MiB); the container gets twice that as its memory limit.
   * @default 512
   */
  readonly heapMiB?: number;
  /**
   * KRaft cluster id (base64 UUID); fixed so a redeploy keeps using the formatted volume.
   * @default a constant id for the stack
   */
  readonly clusterId?: string;
}

const SERVICE = 'kafka';
const INTERNAL_PORT = 9092;
const CONTROLLER_PORT = 9093;
const HOST_LISTENER_PORT = 9094;
const KAFKA_BIN = '/opt/kafka/bin';
const KAFKA_UID = '1000';

export class Kafka extends Construct implements IKafka {
  readonly endpoint: Endpoint;
  readonly bootstrapServers: string;
  readonly broker: IService;
  readonly ready: IService;
  private readonly topics: TopicSpec[];

  constructor(scope: Construct, id: string, props: KafkaProps) {
    super(scope, id);
    const { platform } = props;
    const heapMiB = props.heapMiB ?? 512;
    const published = props.hostPort !== undefined;
    this.topics = [...(props.topics ?? [])];

    const listeners = [`INTERNAL://:${INTERNAL_PORT}`, `CONTROLLER://:${CONTROLLER_PORT}`];
    const advertised = [`INTERNAL://${endpoint(SERVICE, INTERNAL_PORT).address}`];
    const protocols = ['INTERNAL:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
    if (published) {
      listeners.push(`HOST://:${HOST_LISTENER_PORT}`);
      advertised.push(`HOST://localhost:${props.hostPort}`);
      protocols.push('HOST:PLAINTEXT');
    }

    this.broker = platform.addService(this, {
      name: SERVICE,
      component: 'kafka',
      image: props.image,
      user: KAFKA_UID,
      env: {
        CLUSTER_ID: props.clusterId ?? 'bGVhZGVyYm9hcmQtc3RhY2s',
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: listeners.join(','),
        KAFKA_ADVERTISED_LISTENERS: advertised.join(','),
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: protocols.join(','),
        KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${CONTROLLER_PORT}`,
        KAFKA_LOG_DIRS: '/var/lib/kafka/data',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        // Topics are created explicitly with the partitions and policies the pipeline expects.
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_HEAP_OPTS: `-Xms${heapMiB}m -Xmx${heapMiB}m`,
      },
      ports: [
        { name: 'kafka', containerPort: INTERNAL_PORT },
        ...(published
          ? [{ name: 'kafka-host', containerPort: HOST_LISTENER_PORT, publish: { hostPort: props.hostPort!, bindAddress: props.bindAddress ?? '127.0.0.1' } }]
          : []),
      ],
      volumes: [{ name: 'kafka-data', mountPath: '/var/lib/kafka/data', sizeGiB: 5 }],
      health: {
        command: [`${KAFKA_BIN}/kafka-broker-api-versions.sh`, '--bootstrap-server', `localhost:${INTERNAL_PORT}`],
        intervalSec: 5,
        timeoutSec: 20,
        retries: 40,
        startPeriodSec: 10,
      },
      resources: { cpuMillis: 250, memoryMiB: heapMiB * 2 },
    });
    this.endpoint = this.broker.endpoint('kafka');
    this.bootstrapServers = this.endpoint.address;

    this.ready = platform.addService(this, {
      name: 'kafka-topics',
      component: 'kafka',
      image: props.image,
      user: KAFKA_UID,
      lifecycle: 'task',
      entrypoint: ['/bin/sh', '-c'],
      command: [Lazy.stringValue({ produce: () => createTopicsScript(this.bootstrapServers, this.topics) })],
      env: { KAFKA_HEAP_OPTS: '-Xmx256m' },
      resources: { cpuMillis: 200, memoryMiB: 512 },
      dependsOn: [this.broker],
      connectsTo: [this.endpoint],
    });
  }

  /** Creates the topic when the stack deploys, unless it exists. */
  addTopic(topic: TopicSpec): void {
    if (this.topics.some((t) => t.name === topic.name)) throw new Error(`topic '${topic.name}' is added twice`);
    this.topics.push(topic);
  }
}

/** A POSIX sh script creating each topic unless it exists, failing loudly otherwise. */
export function createTopicsScript(bootstrapServers: string, topics: TopicSpec[]): string {
  const lines = topics.map((t) => {
    const configs = Object.entries(t.config ?? {}).map(([k, v]) => ` --config ${k}=${v}`).join('');
    return `${KAFKA_BIN}/kafka-topics.sh --bootstrap-server ${bootstrapServers} --create --if-not-exists --topic ${t.name} --partitions ${t.partitions} --replication-factor 1${configs}`;
  });
  return ['set -e', ...lines, `${KAFKA_BIN}/kafka-topics.sh --bootstrap-server ${bootstrapServers} --list`].join('\n');
}
