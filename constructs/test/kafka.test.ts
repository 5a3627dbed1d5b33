import { Container } from '@cdktf/provider-docker/lib/container';
import { Kafka, apiVersionsProbe, kafkaPartitionBudget } from '../kafka';
import { createTopicsScript, retentionConfig } from '../kafka-topics';
import { TEST_STACK, containerOf, envOf, resourcesOf, synthOnDocker, synthOnK8s } from '../../test-support/constructs';

const IMAGE = 'apache/kafka:test';

describe('Kafka', () => {
  it('runs one KRaft broker, private to the deployment, reachable by service name', () => {
    let kafka: Kafka | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      kafka = new Kafka(scope, 'kafka', { platform, image: IMAGE });
    });
    expect(kafka!.bootstrapServers).toBe('kafka:9092');
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-kafka`,
      ports: [],
      memory: 1024,
      env: expect.arrayContaining([
        'KAFKA_PROCESS_ROLES=broker,controller',
        'KAFKA_LISTENERS=INTERNAL://:9092,CONTROLLER://:9093',
        'KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka:9092',
        'KAFKA_AUTO_CREATE_TOPICS_ENABLE=false',
        'KAFKA_HEAP_OPTS=-Xms512m -Xmx512m',
      ]),
      healthcheck: expect.objectContaining({ test: ['CMD', ...apiVersionsProbe(9092)] }),
    });
  });

  it('publishes an extra listener, advertised as localhost:<port>, only when given a host port', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Kafka(scope, 'kafka', { platform, image: IMAGE, hostPort: 19092, bindAddress: '127.0.0.2' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-kafka`, ports: [{ internal: 9094, external: 19092, ip: '127.0.0.2' }] });
    expect(envOf(containerOf(synthesized, 'kafka'))).toMatchObject({
      KAFKA_LISTENERS: 'INTERNAL://:9092,CONTROLLER://:9093,HOST://:9094',
      KAFKA_ADVERTISED_LISTENERS: 'INTERNAL://kafka:9092,HOST://localhost:19092',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT',
    });
  });

  it('creates the given and the added topics once the broker is up, in a task the stack waits for', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const kafka = new Kafka(scope, 'kafka', { platform, image: IMAGE, topics: [{ name: 'in', partitions: 3 }] });
      kafka.addTopic({ name: 'out', partitions: 1, config: { 'cleanup.policy': 'compact' } });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-kafka-topics`,
      restart: 'no',
      attach: true,
      depends_on: [expect.stringMatching(/^docker_container\.kafka_\w+$/)],
      entrypoint: ['/bin/sh', '-c'],
      command: [createTopicsScript('kafka:9092', [{ name: 'in', partitions: 3 }, { name: 'out', partitions: 1, config: { 'cleanup.policy': 'compact' } }])],
    });
  });

  it('runs three brokers as a KRaft quorum: every topic replicated 3 times, writes needing 2 in-sync replicas', () => {
    let kafka: Kafka | undefined;
    const synthesized = synthOnDocker((scope, platform) => {
      kafka = new Kafka(scope, 'kafka', { platform, image: IMAGE, brokers: 3, hostPort: 19092, topics: [{ name: 'in', partitions: 3 }] });
    });
    expect(kafka!.bootstrapServers).toBe('kafka:9092,kafka-2:9092,kafka-3:9092');
    expect(kafka!.replicationFactor).toBe(3);
    for (const [i, name] of ['kafka', 'kafka-2', 'kafka-3'].entries()) {
      expect(envOf(containerOf(synthesized, name))).toMatchObject({
        KAFKA_NODE_ID: String(i + 1),
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093',
        KAFKA_ADVERTISED_LISTENERS: `INTERNAL://${name}:9092,HOST://localhost:${19092 + i}`,
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
      });
      expect(synthesized).toHaveResourceWithProperties(Container, { name: `${TEST_STACK}-${name}`, ports: [{ internal: 9094, external: 19092 + i, ip: '127.0.0.1' }] });
    }
    expect(new Set(['kafka', 'kafka-2', 'kafka-3'].map((name) => containerOf(synthesized, name).volumes?.[0]?.volume_name)).size).toBe(3);
    expect(containerOf(synthesized, 'kafka-topics').command).toEqual([createTopicsScript(kafka!.bootstrapServers, [{ name: 'in', partitions: 3 }], 3)]);
    expect(containerOf(synthesized, 'kafka-topics').depends_on).toHaveLength(3);
  });

  it('lets the brokers of a quorum, and only them, reach each other\'s client and controller ports on Kubernetes', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new Kafka(scope, 'kafka', { platform, image: IMAGE, brokers: 3 });
    });
    const policies = resourcesOf(synthesized, 'kubernetes_network_policy_v1').map((p) => p.metadata.name).sort();
    expect(policies.filter((name: string) => /^kafka(-\d)?-from-kafka(-\d)?$/.test(name))).toEqual([
      'kafka-2-from-kafka',
      'kafka-2-from-kafka-3',
      'kafka-3-from-kafka',
      'kafka-3-from-kafka-2',
      'kafka-from-kafka-2',
      'kafka-from-kafka-3',
    ]);
    const policy = resourcesOf(synthesized, 'kubernetes_network_policy_v1').find((p) => p.metadata.name === 'kafka-2-from-kafka-3');
    expect(policy!.spec.ingress[0].ports.map((p: { port: string }) => p.port).sort()).toEqual(['9092', '9093']);
  });

  it('spreads a quorum\'s brokers across nodes, and lets a drain evict one at a time', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new Kafka(scope, 'kafka', { platform, image: IMAGE, brokers: 3 });
    });
    const group = { 'leaderboard.stack': TEST_STACK, 'leaderboard.replica-group': 'kafka-brokers' };
    expect(resourcesOf(synthesized, 'kubernetes_pod_disruption_budget_v1')).toEqual([
      expect.objectContaining({ spec: { max_unavailable: '1', selector: { match_labels: group } } }),
    ]);
    const services = resourcesOf(synthesized, 'kubernetes_service_v1').filter((s) => s.metadata.name.startsWith('kafka'));
    expect(services.map((s) => s.spec.publish_not_ready_addresses)).toEqual([true, true, true]);
    const brokers = resourcesOf(synthesized, 'kubernetes_stateful_set_v1');
    expect(brokers).toHaveLength(3);
    for (const broker of brokers) {
      expect(broker.spec.template.metadata.labels).toMatchObject(group);
      expect(broker.spec.template.spec.topology_spread_constraint).toEqual([
        { max_skew: 1, topology_key: 'kubernetes.io/hostname', when_unsatisfiable: 'ScheduleAnyway', label_selector: [{ match_labels: group }] },
      ]);
    }
    const single = synthOnK8s((scope, platform) => {
      new Kafka(scope, 'kafka', { platform, image: IMAGE });
    });
    expect(resourcesOf(single, 'kubernetes_pod_disruption_budget_v1')).toEqual([]);
  });

  it('bounds a topic with a retention by its broker volume: retention.bytes plus a segment fit half of it per replica', () => {
    // 5 GiB, one broker, 3 partitions: 2.5 GiB for the topic, 894,784,853 bytes a partition.
    expect(kafkaPartitionBudget(5, 1, 3)).toBe(894_784_853);
    // Three brokers replicating 3 times hold every partition each: the same share per partition.
    expect(kafkaPartitionBudget(5, 3, 3)).toBe(894_784_853);
    // Six partitions on three brokers, three replicas each: six replicas a broker.
    expect(kafkaPartitionBudget(6, 3, 6)).toBe(536_870_912);
    expect(retentionConfig({ hours: 168 }, 894_784_853)).toEqual({ 'retention.ms': '604800000', 'retention.bytes': '782936747', 'segment.bytes': '111848106', 'file.delete.delay.ms': '5000' });
    expect(retentionConfig({ hours: 1, bytesPerPartition: 8 * 1024 * 1024 }, 894_784_853)).toEqual({ 'retention.ms': '3600000', 'retention.bytes': '8388608', 'segment.bytes': '2097152', 'file.delete.delay.ms': '5000' });
    expect(() => retentionConfig({ hours: 1, bytesPerPartition: 894_784_853 }, 894_784_853)).toThrow('does not fit the 894784853 bytes a partition may use');
    // A Kafka outside the stack: no volume to bound by, only what is given.
    expect(retentionConfig({ hours: 24 })).toEqual({ 'retention.ms': '86400000' });
    expect(retentionConfig({ hours: 24, bytesPerPartition: 1e9 })).toEqual({ 'retention.ms': '86400000', 'retention.bytes': '1000000000' });
    const synthesized = synthOnK8s((scope, platform) => {
      new Kafka(scope, 'kafka', { platform, image: IMAGE, volumeGiB: 20, topics: [{ name: 'in', partitions: 3, retention: { hours: 12 } }] });
    });
    const claim = resourcesOf(synthesized, 'kubernetes_stateful_set_v1')[0].spec.volume_claim_template[0];
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    const topicsJob = JSON.stringify(resourcesOf(synthesized, 'kubernetes_job_v1'));
    for (const [key, value] of Object.entries(retentionConfig({ hours: 12 }, kafkaPartitionBudget(20, 1, 3)))) expect(topicsJob).toContain(`--config '${key}=${value}'`);
  });

  it('rejects a topic added twice, naming it', () => {
    synthOnDocker((scope, platform) => {
      const kafka = new Kafka(scope, 'kafka', { platform, image: IMAGE, topics: [{ name: 'in', partitions: 3 }] });
      expect(() => kafka.addTopic({ name: 'in', partitions: 1 })).toThrow("topic 'in' is added twice");
    });
  });
});

describe('createTopicsScript', () => {
  it('creates each topic unless it exists, with its configs, stopping at the first failure', () => {
    expect(createTopicsScript('k:9092', [{ name: 't', partitions: 2, config: { 'segment.ms': '1' } }]).split('\n')).toEqual([
      'set -e',
      "/opt/kafka/bin/kafka-topics.sh --bootstrap-server 'k:9092' --create --if-not-exists --topic 't' --partitions 2 --replication-factor 1 --config 'segment.ms=1'",
      "/opt/kafka/bin/kafka-topics.sh --bootstrap-server 'k:9092' --list",
    ]);
  });

  it('refuses two brokers (a quorum that survives no failure) and a count that is not a whole number', () => {
    expect(() => synthOnDocker((scope, platform) => new Kafka(scope, 'kafka', { platform, image: IMAGE, brokers: 2 }))).toThrow('Kafka: brokers must be 1, or 3 or more');
    expect(() => synthOnDocker((scope, platform) => new Kafka(scope, 'kafka', { platform, image: IMAGE, brokers: 0 }))).toThrow('Kafka: brokers must be a positive integer, got 0');
  });
});
