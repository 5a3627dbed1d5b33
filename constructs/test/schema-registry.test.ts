import { Container } from '@cdktf/provider-docker/lib/container';
import { SchemaRegistry } from '../schema-registry';
import { TEST_STACK, kafkaOn, resourcesOf, synthOnDocker, synthOnK8s } from '../../test-support/constructs';

describe('SchemaRegistry', () => {
  it('runs the registry on the stack network only, as a non-root user, its topic a compacted partition the stack creates', () => {
    let topics: unknown[] = [];
    let url = '';
    const synthesized = synthOnDocker((scope, platform) => {
      const kafka = kafkaOn(scope, platform);
      url = new SchemaRegistry(scope, 'registry', { platform, image: 'schema-registry:test', kafka }).url;
      topics = kafka.topics;
    });
    expect(url).toBe('http://schema-registry:8085');
    expect(topics).toEqual([{ name: '_schemas', partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    expect(synthesized).toHaveResourceWithProperties(Container, {
      name: `${TEST_STACK}-schema-registry`,
      image: expect.anything(),
      user: '1000',
      read_only: true,
      env: [
        'SCHEMA_REGISTRY_HOST=0.0.0.0',
        'SCHEMA_REGISTRY_PORT=8085',
        'SCHEMA_REGISTRY_KAFKA_BOOTSTRAP_SERVERS=broker:9092',
        'SCHEMA_REGISTRY_TOPIC=_schemas',
      ],
      depends_on: ['docker_container.topics'],
      wait: true,
    });
    const container = resourcesOf<{ name: string; ports?: unknown[] }>(synthesized, 'docker_container').find((c) => c.name === `${TEST_STACK}-schema-registry`);
    expect(container?.ports ?? []).toEqual([]);
  });

  it('keeps its schemas in the topic it is given, and refuses a name Kafka would not take', () => {
    synthOnDocker((scope, platform) => {
      const kafka = kafkaOn(scope, platform);
      new SchemaRegistry(scope, 'registry', { platform, image: 'schema-registry:test', kafka, topic: 'team.schemas' });
      expect(kafka.topics).toEqual([expect.objectContaining({ name: 'team.schemas' })]);
      expect(() => new SchemaRegistry(scope, 'bad', { platform, image: 'schema-registry:test', kafka, topic: 'a b' })).toThrow("SchemaRegistry: topic 'a b' is not a Kafka topic name");
    });
  });

  it('is a Deployment on Kubernetes, ready once it answers (it listens only after reading its whole topic)', () => {
    const synthesized = synthOnK8s((scope, platform) => {
      new SchemaRegistry(scope, 'registry', { platform, image: 'schema-registry:test', kafka: kafkaOn(scope, platform) });
    });
    const [workload] = resourcesOf(synthesized, 'kubernetes_deployment_v1').filter((d) => d.metadata.name === 'schema-registry');
    const [container] = workload.spec.template.spec.container;
    expect(container.readiness_probe.exec.command.join(' ')).toContain("fetch('http://127.0.0.1:8085/')");
    expect(container.security_context.read_only_root_filesystem).toBe(true);
    expect(container.port.map((p: { container_port: number }) => p.container_port)).toEqual([8085]);
  });
});
