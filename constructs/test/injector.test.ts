import { Container } from '@cdktf/provider-docker/lib/container';
import { Injector } from '../injector';
import { SchemaRegistry } from '../schema-registry';
import { TEST_STACK, kafkaOn, synthOnDocker } from '../../test-support/constructs';

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

  it('writes Avro through the schema registry it is given, started after it and allowed to reach it', () => {
    const synthesized = synthOnDocker((scope, platform) => {
      const kafka = kafkaOn(scope, platform);
      const schemaRegistry = new SchemaRegistry(scope, 'registry', { platform, image: 'schema-registry:test', kafka });
      new Injector(scope, 'injector', { platform, image: 'injector:test', kafka, topic: 'events', schemaRegistry });
    });
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-injector`,
      env: expect.arrayContaining(['INJECTOR_FORMAT=avro', 'INJECTOR_SCHEMA_REGISTRY_URL=http://schema-registry:8085']),
      depends_on: ['docker_container.topics', expect.stringMatching(/^docker_container\.registry_schema-registry_/)],
    });
  });
});
