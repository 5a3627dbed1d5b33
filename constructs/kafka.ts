/**
 * A Kafka cluster in KRaft mode, one broker (which is also its controller) or a quorum of brokers that
 * are each a controller too, plus the topics the pipeline needs.
 */
import { Construct } from 'constructs';
import { PLAINTEXT } from '../common/kafka-client';
import { KafkaClient } from './kafka-client';
import { KAFKA_UID, KafkaTopics, TopicSpec } from './kafka-topics';
import { Endpoint, IPlatform, IService, endpoint } from './platform/platform';

/** Replicas of every topic once there are enough brokers, and the in-sync replicas a write needs. */
const REPLICATION = 3;
const MIN_IN_SYNC = 2;
export const DEFAULT_KAFKA_VOLUME_GIB = 5;
/**
 * How often a broker deletes segments past a topic's retention (Kafka's default is 5 minutes, in which
 * a fast producer writes far more than a segment): what a partition holds beyond its retention.bytes
 * and the segment being written is what arrives within this interval.
 */
export const RETENTION_CHECK_INTERVAL_MS = 30_000;
/** The share of a broker's volume a topic with a retention bound may fill. */
const BOUNDED_TOPIC_SHARE = 0.5;

/**
 * A broker's health check: an ApiVersions request (v0, correlation id 1, no client id) on `port`
 * answered without error, which a broker does once it processes requests. It is what
 * kafka-broker-api-versions.sh asks, without starting a JVM (which took about a second of CPU and,
 * inheriting the broker's KAFKA_HEAP_OPTS, its heap) every few seconds. bash for /dev/tcp: the image
 * contract's scripts need it anyway.
 */
export function apiVersionsProbe(port: number): string[] {
  const script = [
    `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 1`,
    // Size 10, api key 18, version 0, correlation id 1, null client id.
    "printf '\\000\\000\\000\\012\\000\\022\\000\\000\\000\\000\\000\\001\\377\\377' >&3",
    // The reply's size, correlation id and error code.
    "reply=$(timeout 5 head -c 10 <&3 | od -An -v -tx1 | tr -d ' \\n')",
    'case "$reply" in ????????000000010000) exit 0 ;; *) exit 1 ;; esac',
  ];
  return ['bash', '-c', script.join('\n')];
}

/** Replicas of every topic on a cluster of `brokers`. */
export const kafkaReplicationFactor = (brokers: number): number => (brokers >= REPLICATION ? REPLICATION : 1);

/**
 * The bytes one partition of a topic with a retention may hold on a broker: half its volume (the rest
 * holds the compacted board topics, Kafka's own topics and their segments being written), shared by
 * the topic's replicas on that broker.
 */
export const kafkaPartitionBudget = (volumeGiB: number, brokers: number, partitions: number): number =>
  Math.floor((volumeGiB * 1024 ** 3 * BOUNDED_TOPIC_SHARE) / Math.ceil((partitions * kafkaReplicationFactor(brokers)) / brokers));

/** What other components need to know of Kafka, the stack's own or one outside it. */
export interface IKafka {
  /** Every broker's listener for clients inside the deployment; none for a Kafka outside it. */
  readonly endpoints: Endpoint[];
  /** `host:port` list the deployment's clients bootstrap from. */
  readonly bootstrapServers: string;
  /** How clients authenticate. */
  readonly client: KafkaClient;
  /** Ready once the brokers are healthy and the topics exist. */
  readonly ready: IService;
  /** Creates the topic when the stack deploys, unless it exists. */
  addTopic(topic: TopicSpec): void;
}

export interface KafkaProps {
  readonly platform: IPlatform;
  /** Image following the `apache/kafka` image contract. */
  readonly image: string;
  /**
   * Brokers, each also a KRaft controller. With 3 or more, every topic (and the brokers' own) is
   * replicated 3 times and a write needs 2 in-sync replicas, so one broker may fail without losing an
   * acknowledged record or stopping writes.
   * @default 1
   */
  readonly brokers?: number;
  /**
   * Topics created (if missing) right after the brokers are up; more can be added with `addTopic`.
   * @default - none
   */
  readonly topics?: TopicSpec[];
  /**
   * Publish the brokers to the host from this port on (broker n on hostPort + n - 1; an extra listener
   * advertised as `localhost:<port>`).
   * @default - not published
   */
  readonly hostPort?: number;
  /**
   * Host address the published ports bind to.
   * @default '127.0.0.1'
   */
  readonly bindAddress?: string;
  /**
   * Heap of each broker (MiB); its container gets twice that as its memory limit.
   * @default 512
   */
  readonly heapMiB?: number;
  /**
   * Size of each broker's data volume (GiB): the claim on Kubernetes; on Docker, whose volumes have no
   * size, the disk the brokers are budgeted. A topic with a retention keeps at most half of it.
   * @default 5
   */
  readonly volumeGiB?: number;
  /**
   * KRaft cluster id (base64 UUID); fixed so a redeploy keeps using the formatted volumes.
   * @default a constant id for the stack
   */
  readonly clusterId?: string;
}

const INTERNAL_PORT = 9092;
const CONTROLLER_PORT = 9093;
const HOST_LISTENER_PORT = 9094;

/** The service name of broker `n` (1-based): the first keeps the single broker's name. */
const brokerName = (n: number): string => (n === 1 ? 'kafka' : `kafka-${n}`);

export class Kafka extends Construct implements IKafka {
  readonly endpoints: Endpoint[];
  readonly bootstrapServers: string;
  readonly brokers: IService[];
  readonly ready: IService;
  /** The stack's brokers serve plaintext on the deployment's private network. */
  readonly client: KafkaClient = { security: PLAINTEXT };
  /** Replicas of each topic: 1, or 3 with three brokers or more. */
  readonly replicationFactor: number;
  private readonly topics: KafkaTopics;

  constructor(scope: Construct, id: string, props: KafkaProps) {
    super(scope, id);
    const { platform } = props;
    const count = props.brokers ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`Kafka: brokers must be a positive integer, got ${count}`);
    // Two voters cannot lose one, and three replicas do not fit on two brokers.
    if (count === 2) throw new RangeError('Kafka: brokers must be 1, or 3 or more (a KRaft quorum of 2 survives no failure), got 2');
    const heapMiB = props.heapMiB ?? 512;
    const volumeGiB = props.volumeGiB ?? DEFAULT_KAFKA_VOLUME_GIB;
    if (!Number.isInteger(volumeGiB) || volumeGiB < 1) throw new Error(`Kafka volumeGiB must be a whole number of GiB, at least 1; got ${volumeGiB}`);
    const quorum = count > 1;
    this.replicationFactor = kafkaReplicationFactor(count);
    const minInSync = this.replicationFactor === REPLICATION ? MIN_IN_SYNC : 1;
    const names = Array.from({ length: count }, (_, i) => brokerName(i + 1));
    // A lone broker is its own controller on localhost; a quorum's voters find each other by service name.
    const voters = quorum ? names.map((name, i) => `${i + 1}@${endpoint(name, CONTROLLER_PORT).address}`).join(',') : `1@localhost:${CONTROLLER_PORT}`;

    this.brokers = names.map((name, i) => {
      const hostPort = props.hostPort === undefined ? undefined : props.hostPort + i;
      const listeners = [`INTERNAL://:${INTERNAL_PORT}`, `CONTROLLER://:${CONTROLLER_PORT}`];
      const advertised = [`INTERNAL://${endpoint(name, INTERNAL_PORT).address}`];
      const protocols = ['INTERNAL:PLAINTEXT', 'CONTROLLER:PLAINTEXT'];
      if (hostPort !== undefined) {
        listeners.push(`HOST://:${HOST_LISTENER_PORT}`);
        advertised.push(`HOST://localhost:${hostPort}`);
        protocols.push('HOST:PLAINTEXT');
      }
      return platform.addService(this, {
        name,
        component: 'kafka',
        image: props.image,
        user: KAFKA_UID,
        env: {
          CLUSTER_ID: props.clusterId ?? 'bGVhZGVyYm9hcmQtc3RhY2s',
          KAFKA_NODE_ID: String(i + 1),
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: listeners.join(','),
          KAFKA_ADVERTISED_LISTENERS: advertised.join(','),
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: protocols.join(','),
          KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
          KAFKA_LOG_DIRS: '/var/lib/kafka/data',
          KAFKA_NUM_PARTITIONS: '3',
          KAFKA_DEFAULT_REPLICATION_FACTOR: String(this.replicationFactor),
          KAFKA_MIN_INSYNC_REPLICAS: String(minInSync),
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(this.replicationFactor),
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(this.replicationFactor),
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(minInSync),
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS: String(RETENTION_CHECK_INTERVAL_MS),
          // Topics are created explicitly with the partitions and policies the pipeline expects.
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_HEAP_OPTS: `-Xms${heapMiB}m -Xmx${heapMiB}m`,
        },
        ports: [
          { name: 'kafka', containerPort: INTERNAL_PORT },
          ...(quorum ? [{ name: 'controller', containerPort: CONTROLLER_PORT }] : []),
          ...(hostPort !== undefined
            ? [{ name: 'kafka-host', containerPort: HOST_LISTENER_PORT, publish: { hostPort, bindAddress: props.bindAddress ?? '127.0.0.1' } }]
            : []),
        ],
        // A volume of its own per broker: KRaft stamps the node id into it.
        volumes: [{ name: `${name}-data`, mountPath: '/var/lib/kafka/data', sizeGiB: volumeGiB }],
        health: {
          command: apiVersionsProbe(INTERNAL_PORT),
          intervalSec: 5,
          timeoutSec: 20,
          retries: 40,
          startPeriodSec: 10,
        },
        resources: { cpuMillis: 250, memoryMiB: heapMiB * 2 },
        replicaGroup: quorum ? 'kafka-brokers' : undefined,
        // A broker is healthy once the quorum has a leader, which needs the others reachable first.
        reachableBeforeHealthy: quorum,
      });
    });
    // Brokers of a quorum talk both ways (votes, replication); each is declared once all exist.
    for (const broker of this.brokers) {
      const peers = this.brokers.filter((b) => b !== broker);
      platform.connect(this, broker, peers.flatMap((p) => [p.endpoint('kafka'), p.endpoint('controller')]));
    }
    this.endpoints = this.brokers.map((b) => b.endpoint('kafka'));
    this.bootstrapServers = this.endpoints.map((e) => e.address).join(',');

    this.topics = new KafkaTopics(this, 'topics', {
      platform,
      image: props.image,
      bootstrapServers: this.bootstrapServers,
      client: this.client,
      replicationFactor: this.replicationFactor,
      dependsOn: this.brokers,
      connectsTo: this.endpoints,
      partitionBudget: (partitions) => kafkaPartitionBudget(volumeGiB, count, partitions),
    });
    for (const topic of props.topics ?? []) this.topics.add(topic);
    this.ready = this.topics.ready;
  }

  addTopic(topic: TopicSpec): void {
    this.topics.add(topic);
  }
}
