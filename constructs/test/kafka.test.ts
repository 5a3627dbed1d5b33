import { Container } from '@cdktf/provider-docker/lib/container';
import { Kafka, createTopicsScript } from '../kafka';
import { TEST_STACK, containerOf, envOf, synthOnDocker } from '../../test-support/constructs';

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
      healthcheck: expect.objectContaining({ test: ['CMD', '/opt/kafka/bin/kafka-broker-api-versions.sh', '--bootstrap-server', 'localhost:9092'] }),
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
      '/opt/kafka/bin/kafka-topics.sh --bootstrap-server k:9092 --create --if-not-exists --topic t --partitions 2 --replication-factor 1 --config segment.ms=1',
      '/opt/kafka/bin/kafka-topics.sh --bootstrap-server k:9092 --list',
    ]);
  });
});
