/**
 * A service's pod template: its container with env, ports, mounts, resources and probes from the
 * spec; an init container sharing the scratch volumes; the spec's files from a ConfigMap.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type {
  DeploymentV1SpecTemplate,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerLivenessProbe,
} from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { Construct } from 'constructs';
import { HealthSpec, ResourceSpec, ServiceSpec, terraformLiteral } from '../platform';
import { Labels, ObjectMetadata } from './metadata';
import { containerSecurityContext, podSecurityContext, withStringIds } from './security';

/** ConfigMap keys allow only [-._a-zA-Z0-9]; the index keeps keys of equal file names apart. */
const fileKey = (path: string, index: number): string => `${index}-${path.split('/').pop()!.replace(/[^-._a-zA-Z0-9]/g, '_')}`;

/**
 * Requests from the spec; the memory limit equals the request (a container is killed rather than
 * let grow into its neighbours), the CPU limit leaves room for JVM start-up bursts.
 */
export function resources(spec: ResourceSpec) {
  const memory = `${spec.memoryMiB}Mi`;
  return {
    requests: { cpu: `${spec.cpuMillis}m`, memory },
    limits: { cpu: `${Math.max(spec.cpuMillis * 4, 1000)}m`, memory },
  };
}

/** Exec probes from a health check: a start-up budget of `retries`, then a check every period. */
export function probes(health: HealthSpec) {
  const periodSeconds = health.intervalSec ?? 5;
  const timeoutSeconds = health.timeoutSec ?? 5;
  const probe = (extra: Partial<DeploymentV1SpecTemplateSpecContainerLivenessProbe>, command = health.command) => ({
    exec: { command: command.map(terraformLiteral) },
    periodSeconds,
    timeoutSeconds,
    ...extra,
  });
  return {
    startupProbe: probe({ initialDelaySeconds: health.startPeriodSec ?? 5, failureThreshold: health.retries ?? 30 }),
    readinessProbe: probe({ failureThreshold: 3 }),
    // Liveness restarts only a container that stayed stuck for a while, and checks less often.
    livenessProbe: probe({ periodSeconds: Math.max(periodSeconds * 3, 15), failureThreshold: 4 }, health.liveness),
  };
}

/** The ConfigMap holding the spec's files, when it has any. */
export function filesConfigMap(scope: Construct, spec: ServiceSpec, metadata: ObjectMetadata): ConfigMapV1 | undefined {
  const files = spec.files ?? [];
  if (!files.length) return undefined;
  return new ConfigMapV1(scope, `${spec.name}-files`, {
    metadata,
    data: Object.fromEntries(files.map((f, i) => [fileKey(f.path, i), terraformLiteral(f.content)])),
  });
}

/**
 * How replicas spread across nodes: at most one more on any node than on another, and softly, so a
 * single node (kind) still runs them all.
 */
export const SOFT_NODE_SPREAD = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' } as const;

export interface PodTemplateOptions {
  /** Labels of the pods. */
  readonly labels: Labels;
  /** Whether the pod runs to completion (a Job's) rather than for ever. */
  readonly runsToCompletion: boolean;
  /** The ConfigMap from `filesConfigMap`. */
  readonly files?: ConfigMapV1;
  /** Labels of the pods this one should spread across nodes with (its replica group's). */
  readonly spreadWith?: Labels;
}

export function podTemplate(spec: ServiceSpec, options: PodTemplateOptions): DeploymentV1SpecTemplate {
  const ports = spec.ports ?? [];
  const files = spec.files ?? [];
  const scratch = spec.scratchVolumes ?? [];
  const scratchMounts = scratch.map((v) => ({ name: v.name, mountPath: v.mountPath }));
  const securityContext = withStringIds(containerSecurityContext(spec.user));
  const env = [
    ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value: terraformLiteral(value) })),
    ...Object.entries(spec.secretEnv ?? {}).map(([name, ref]) => ({
      name,
      valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
    })),
  ];
  const container: DeploymentV1SpecTemplateSpecContainer = {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: spec.entrypoint?.map(terraformLiteral),
    args: spec.command?.map(terraformLiteral),
    env: env.length ? env : undefined,
    port: ports.map((p) => ({ name: p.name, containerPort: p.containerPort })),
    volumeMount: [
      ...(spec.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
      ...scratchMounts,
      ...files.map((f, i) => ({ name: 'files', mountPath: f.path, subPath: fileKey(f.path, i), readOnly: true })),
    ],
    resources: resources(spec.resources),
    securityContext: spec.readOnlyRootFilesystem ? { ...securityContext, readOnlyRootFilesystem: true } : securityContext,
    ...(spec.health ? probes(spec.health) : {}),
  };
  return {
    metadata: { labels: options.labels },
    spec: {
      securityContext: withStringIds(podSecurityContext(spec.user)),
      automountServiceAccountToken: false,
      // Service links would inject e.g. KAFKA_PORT, which images that map KAFKA_* variables to broker settings misread.
      enableServiceLinks: false,
      // A service reaches itself under its own name, as on Docker, without waiting for its Service to route to it.
      hostAliases: ports.length ? [{ ip: '127.0.0.1', hostnames: [spec.name] }] : undefined,
      restartPolicy: options.runsToCompletion ? 'OnFailure' : 'Always',
      topologySpreadConstraint: options.spreadWith && [{ ...SOFT_NODE_SPREAD, labelSelector: [{ matchLabels: options.spreadWith }] }],
      initContainer: spec.init && [
        {
          name: spec.init.name,
          image: spec.init.image,
          imagePullPolicy: 'IfNotPresent',
          command: spec.init.command,
          volumeMount: scratchMounts,
          resources: resources(spec.resources),
          securityContext,
        },
      ],
      container: [container],
      volume: [
        ...scratch.map((v) => ({ name: v.name, emptyDir: {} })),
        ...(options.files
          ? [{
            name: 'files',
            configMap: {
              name: options.files.metadata.name,
              defaultMode: '0644',
              items: files.map((f, i) => ({ key: fileKey(f.path, i), path: fileKey(f.path, i), mode: f.executable ? '0755' : '0644' })),
            },
          }]
          : []),
      ],
    },
  };
}
