/**
 * Helpers for construct tests: a Docker or Kubernetes platform to place services on, and readers for
 * what the cdktf matchers cannot say (one container's environment as a map, a container found by name).
 */
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { PLAINTEXT } from '../common/kafka-client';
import { IKafka } from '../constructs/kafka';
import { TopicSpec } from '../constructs/kafka-topics';
import { DockerPlatform } from '../constructs/platform/docker';
import { K8sPlatform, K8sPlatformProps } from '../constructs/platform/k8s/platform';
import { IPlatform, IService, Lifecycle, SecretRef } from '../constructs/platform/platform';

export const TEST_STACK = 'test';

/** Synthesizes what `build` adds next to a Docker platform named for TEST_STACK. */
export function synthOnDocker(build: (scope: Construct, platform: DockerPlatform) => void): string {
  return Testing.synthScope((scope) => build(scope, new DockerPlatform(scope, 'platform', { stackName: TEST_STACK })));
}

export const TEST_NAMESPACE = 'test-ns';

/** Synthesizes what `build` adds next to a Kubernetes platform for TEST_STACK in TEST_NAMESPACE. */
export function synthOnK8s(build: (scope: Construct, platform: K8sPlatform) => void, props: Partial<K8sPlatformProps> = {}): string {
  return Testing.synthScope((scope) => build(scope, new K8sPlatform(scope, 'platform', { stackName: TEST_STACK, namespace: TEST_NAMESPACE, ...props })));
}

/** The resources of one type in a synthesized scope, by construct id. */
export function resourcesOf<T = Record<string, any>>(synthesized: string, type: string): T[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.values((JSON.parse(synthesized) as { resource: Record<string, Record<string, T>> }).resource[type] ?? {});
}

export interface SynthesizedContainer {
  readonly name: string;
  readonly env?: string[];
  readonly upload?: { readonly file: string; readonly content: string }[];
  readonly volumes?: { readonly volume_name: string; readonly container_path: string }[];
  readonly command?: string[];
  readonly depends_on?: string[];
}

/** The container `<TEST_STACK>-<service>` of a synthesized scope. */
export function containerOf(synthesized: string, service: string): SynthesizedContainer {
  const parsed = JSON.parse(synthesized) as { resource: { docker_container: Record<string, SynthesizedContainer> } };
  const found = Object.values(parsed.resource.docker_container).find((c) => c.name === `${TEST_STACK}-${service}`);
  if (!found) throw new Error(`no container ${TEST_STACK}-${service}`);
  return found;
}

export const envOf = (container: SynthesizedContainer): Record<string, string> =>
  Object.fromEntries((container.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

/** A minimal service listening on `port`, for constructs that connect to one. */
export const serverOn = (scope: Construct, platform: IPlatform, name: string, port: number, lifecycle?: Lifecycle): IService =>
  platform.addService(scope, {
    name,
    component: 'kafka',
    image: `${name}:test`,
    user: '1000',
    ports: [{ name, containerPort: port }],
    lifecycle,
    resources: { cpuMillis: 1, memoryMiB: 1 },
  });

/** A secret reference whose value token names it, so a test can see where it went. */
export const fakeSecret = (key: string): SecretRef => ({ secretName: 'fake', key, valueToken: `secret:${key}` });

/**
 * Kafka as its clients see it: a broker to connect to, a task to start after, and the topics the
 * clients added (in `topics`).
 */
export function kafkaOn(scope: Construct, platform: IPlatform): IKafka & { readonly topics: TopicSpec[] } {
  const endpoint = serverOn(scope, platform, 'broker', 9092).endpoint();
  const topics: TopicSpec[] = [];
  return {
    endpoints: [endpoint],
    bootstrapServers: endpoint.address,
    client: { security: PLAINTEXT },
    topics,
    addTopic: (topic) => void topics.push(topic),
    ready: platform.addService(scope, { name: 'topics', component: 'kafka', image: 'kafka:test', user: '1000', lifecycle: 'task', resources: { cpuMillis: 1, memoryMiB: 1 } }),
  };
}
