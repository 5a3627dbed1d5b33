import { Container } from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import { PLAINTEXT } from '../../common/kafka-client';
import { Injector } from '../injector';
import { IKafka } from '../kafka';
import { DockerPlatform } from '../platform/docker';
import { TEST_STACK, serverOn, synthOnDocker } from '../../test-support/constructs';

/** Kafka as the injector sees it: a broker to connect to, and a task to start after. */
const kafkaOn = (scope: Construct, platform: DockerPlatform): IKafka => {
  const endpoint = serverOn(scope, platform, 'broker', 9092).endpoint();
  return {
    endpoints: [endpoint],
    bootstrapServers: endpoint.address,
    client: { security: PLAINTEXT },
    addTopic: () => undefined,
    ready: platform.addService(scope, { name: 'topics', component: 'kafka', image: 'kafka:test', user: '1000', lifecycle: 'task', resources: { cpuMillis: 1, memoryMiB: 1 } }),
  };
};

describe('Injector', () => {
  it('produces forever into the topic at 20 events per second by default, once the topics exist', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Injector(scope, 'injector', { platform, image: 'injector:test', kafka: kafkaOn(scope, platform), topic: 'events' });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-injector`,
      env: ['INJECTOR_BOOTSTRAP_SERVERS=broker:9092', 'INJECTOR_TOPIC=events', 'INJECTOR_AVG_QPS=20', 'INJECTOR_MAX_EVENTS=0'],
      restart: 'unless-stopped',
      depends_on: ['docker_container.topics'],
    });
  });

  it('runs a finite, seeded run once in the background', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      new Injector(scope, 'injector', {
        platform,
        image: 'injector:test',
        kafka: kafkaOn(scope, platform),
        topic: 'events',
        eventsPerSecond: 1000,
        maxEvents: 500,
        seed: 42,
      });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-injector`,
      env: expect.arrayContaining(['INJECTOR_AVG_QPS=1000', 'INJECTOR_MAX_EVENTS=500', 'INJECTOR_SEED=42']),
      restart: 'on-failure',
      must_run: false,
    });
  });
});
