/**
 * The Kubernetes target: one namespace; per service a StatefulSet (when it keeps data), a Deployment
 * or a Job, a Service for its ports, a ConfigMap for its files, and a NetworkPolicy that admits only
 * the pods whose configuration addresses it. Every pod runs non-root with a locked-down security
 * context, requests and limits, and probes from the service's health check.
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type {
  DeploymentV1SpecTemplateSpec,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerLivenessProbe,
} from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { generatePasswords } from './passwords';
import { Component, GeneratedSecret, HealthSpec, IPlatform, IService, PortSpec, ResourceSpec, ServiceSpec, terraformLiteral } from './platform';

export const STACK_LABEL = 'leaderboard.stack';
export const COMPONENT_LABEL = 'leaderboard.component';
const NAME_LABEL = 'app.kubernetes.io/name';

export type Labels = Record<string, string>;

/** A container that prepares a pod's scratch volumes before the service starts. */
export interface InitContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
}

/** Kubernetes-only additions to a service. */
export interface K8sServiceSpec extends ServiceSpec {
  /** Empty volumes shared by the init container and the service, keyed by mount path. */
  readonly scratchVolumes?: { readonly name: string; readonly mountPath: string }[];
  readonly init?: InitContainerSpec;
}

/** Pods that open connections to services, found from the addresses in their configuration. */
interface Client {
  readonly selector: Labels;
  /** Configuration text (environment values, arguments, files) naming the addresses it connects to. */
  readonly texts: string[];
  /** Its own service, so that its self-references do not make it a client of itself. */
  readonly self?: string;
}

export interface K8sPlatformProps {
  /** Stack name, value of `leaderboard.stack` on every object. */
  readonly stackName: string;
  /** Namespace created for the pipeline. */
  readonly namespace: string;
  /**
   * How long deploy waits for a workload to roll out or a Job to complete.
   * @default '10m'
   */
  readonly waitTimeout?: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `uid[:gid]` as numbers-in-strings; gid defaults to uid. */
export const parseUser = (user: string): { uid: string; gid: string } => {
  const [uid, gid] = user.split(':');
  if (!/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid))) {
    throw new Error(`service user '${user}' must be numeric uid[:gid] on Kubernetes (runAsNonRoot needs a numeric uid)`);
  }
  if (uid === '0') throw new Error(`service user '${user}' is root; every pod runs non-root`);
  return { uid, gid: gid ?? uid };
};

/** ConfigMap keys allow only [-._a-zA-Z0-9]; the index keeps keys of equal file names apart. */
const fileKey = (path: string, index: number): string => `${index}-${path.split('/').pop()!.replace(/[^-._a-zA-Z0-9]/g, '_')}`;

export class K8sPlatform extends Construct implements IPlatform {
  readonly target = 'k8s' as const;
  readonly stackName: string;
  readonly namespace: string;
  readonly namespaceResource: NamespaceV1;
  private readonly waitTimeout: string;
  private readonly clients: Client[] = [];

  constructor(scope: Construct, id: string, props: K8sPlatformProps) {
    super(scope, id);
    this.stackName = props.stackName;
    this.waitTimeout = props.waitTimeout ?? '10m';
    this.namespaceResource = new NamespaceV1(this, 'namespace', {
      metadata: { name: props.namespace, labels: { [STACK_LABEL]: this.stackName } },
    });
    this.namespace = props.namespace;

    new NetworkPolicyV1(this, 'default-deny-ingress', {
      metadata: this.metadata('default-deny-ingress'),
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
  }

  serviceHost(name: string): string {
    return name;
  }

  /** Metadata of a namespaced object; the namespace reference orders it after the namespace. */
  metadata(name: string, labels: Labels = {}): { name: string; namespace: string; labels: Labels } {
    return { name, namespace: this.namespaceResource.metadata.name, labels: { [STACK_LABEL]: this.stackName, ...labels } };
  }

  /** Labels of a service's pods; the first two select them. */
  podLabels(name: string, component: Component | string): Labels {
    return {
      [NAME_LABEL]: name,
      [STACK_LABEL]: this.stackName,
      [COMPONENT_LABEL]: component,
      'app.kubernetes.io/part-of': 'leaderboard-stack',
      'app.kubernetes.io/instance': this.stackName,
    };
  }

  /** Pod-level security context: numeric non-root user, group-owned volumes, default seccomp. */
  podSecurityContext(user: string) {
    const { uid, gid } = parseUser(user);
    return { runAsUser: uid, runAsGroup: gid, fsGroup: gid, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  }

  /** Container-level security context: no privilege escalation, no capabilities. */
  containerSecurityContext(user: string) {
    const { uid, gid } = parseUser(user);
    return {
      runAsUser: uid,
      runAsGroup: gid,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  /**
   * Requests from the spec; the memory limit equals the request (a container is killed rather than
   * let grow into its neighbours), the CPU limit leaves room for JVM start-up bursts.
   */
  resources(spec: ResourceSpec) {
    const memory = `${spec.memoryMiB}Mi`;
    return {
      requests: { cpu: `${spec.cpuMillis}m`, memory },
      limits: { cpu: `${Math.max(spec.cpuMillis * 4, 1000)}m`, memory },
    };
  }

  generatedSecret(scope: Construct, name: string, keys: string[]): GeneratedSecret {
    const { passwords, secret } = generatePasswords(scope, name, keys);
    new SecretV1(scope, `${name}-secret`, {
      metadata: this.metadata(name),
      data: Object.fromEntries([...passwords].map(([key, password]) => [key, password.result])),
    });
    return secret;
  }


  /**
   * Lets pods selected by `selector` reach every service whose address (`host:port`, or the bare
   * host as a whole value) appears in `texts`. Services register their own pods this way.
   */
  registerClient(selector: Labels, texts: string[], self?: string): void {
    this.clients.push({ selector, texts, self });
  }

  /** Selectors of the registered clients that address `host` on one of `ports`. */
  private clientsOf(host: string, ports: number[], resolve: (text: string) => string): Labels[] {
    // A client may use the short name or the namespace-qualified one (`host.ns.svc[.cluster.local]`).
    const qualified = `${escapeRegExp(host)}(\\.${escapeRegExp(this.namespace)}(\\.svc(\\.cluster\\.local)?)?)?`;
    const address = new RegExp(`(^|[^-.a-zA-Z0-9])${qualified}:(${ports.join('|')})(?![0-9])`);
    return this.clients
      .filter((c) => c.self !== host && c.texts.map(resolve).some((t) => t === host || address.test(t)))
      .map((c) => c.selector);
  }

  /**
   * A NetworkPolicy admitting, on `ports`, the registered clients of the service; published ports
   * are admitted from anywhere. Resolved at synthesis, when every client is known.
   */
  private ingressPolicy(scope: Construct, name: string, podSelector: Labels, ports: readonly PortSpec[]): NetworkPolicyV1 {
    const portList = (ps: readonly PortSpec[]) => ps.map((p) => ({ port: String(p.containerPort), protocol: 'TCP' }));
    const published = ports.filter((p) => p.publish);
    const internal = ports.filter((p) => !p.publish);
    const ingress = Lazy.anyValue({
      // Texts may hold lazy values (e.g. a script built from topics added later), resolved only now.
      produce: (context) => {
        const rules: unknown[] = [];
        if (published.length) rules.push({ ports: portList(published) });
        const clients = this.clientsOf(this.serviceHost(name), internal.map((p) => p.containerPort), (t) => String(context.resolve(t)));
        // An empty `from` would admit everyone, so a service nobody addresses gets no rule at all.
        if (internal.length && clients.length) {
          rules.push({ from: clients.map((matchLabels) => ({ pod_selector: { match_labels: matchLabels } })), ports: portList(internal) });
        }
        return rules;
      },
    });
    return new NetworkPolicyV1(scope, `${name}-ingress`, {
      metadata: this.metadata(`${name}-ingress`),
      spec: { podSelector: { matchLabels: podSelector }, policyTypes: ['Ingress'], ingress: ingress as never },
    });
  }

  /** Admits `from` pods (all pods when undefined) on `ports` (all ports when undefined) of `podSelector`'s pods. */
  allowIngress(scope: Construct, name: string, podSelector: Labels, rules: { from?: Labels[]; ports?: number[] }[]): NetworkPolicyV1 {
    return new NetworkPolicyV1(scope, name, {
      metadata: this.metadata(name),
      spec: {
        podSelector: { matchLabels: podSelector },
        policyTypes: ['Ingress'],
        ingress: rules.map((r) => ({
          from: r.from?.map((matchLabels) => ({ podSelector: { matchLabels } })),
          ports: r.ports?.map((port) => ({ port: String(port), protocol: 'TCP' })),
        })),
      },
    });
  }

  /** Exec probes from a health check: a start-up budget of `retries`, then a check every period. */
  private probes(health: HealthSpec) {
    const periodSeconds = health.intervalSec ?? 5;
    const timeoutSeconds = health.timeoutSec ?? 5;
    const probe = (extra: Partial<DeploymentV1SpecTemplateSpecContainerLivenessProbe>) => ({
      exec: { command: health.command.map(terraformLiteral) },
      periodSeconds,
      timeoutSeconds,
      ...extra,
    });
    return {
      startupProbe: probe({ initialDelaySeconds: health.startPeriodSec ?? 5, failureThreshold: health.retries ?? 30 }),
      readinessProbe: probe({ failureThreshold: 3 }),
      // Liveness restarts only a container that stayed unhealthy for a while, and checks less often.
      livenessProbe: probe({ periodSeconds: Math.max(periodSeconds * 3, 15), failureThreshold: 4 }),
    };
  }

  addService(scope: Construct, spec: K8sServiceSpec): IService {
    const lifecycle = spec.lifecycle ?? 'service';
    const runsToCompletion = lifecycle !== 'service';
    const ports = spec.ports ?? [];
    const files = spec.files ?? [];
    const scratch = spec.scratchVolumes ?? [];
    const labels = this.podLabels(spec.name, spec.component);
    const selector = { [NAME_LABEL]: spec.name, [STACK_LABEL]: this.stackName };
    const dependsOn = (spec.dependsOn ?? []).map((s) => s.dependable);

    let filesMap: ConfigMapV1 | undefined;
    if (files.length) {
      filesMap = new ConfigMapV1(scope, `${spec.name}-files`, {
        metadata: this.metadata(`${spec.name}-files`, { [COMPONENT_LABEL]: spec.component }),
        data: Object.fromEntries(files.map((f, i) => [fileKey(f.path, i), terraformLiteral(f.content)])),
      });
    }

    const env = [
      ...Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value: terraformLiteral(value) })),
      ...Object.entries(spec.secretEnv ?? {}).map(([name, ref]) => ({
        name,
        valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } },
      })),
    ];
    this.registerClient(selector, [
      ...Object.values(spec.env ?? {}),
      ...(spec.entrypoint ?? []),
      ...(spec.command ?? []),
      ...files.map((f) => f.content),
    ], spec.name);

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
        ...scratch.map((v) => ({ name: v.name, mountPath: v.mountPath })),
        ...files.map((f, i) => ({ name: 'files', mountPath: f.path, subPath: fileKey(f.path, i), readOnly: true })),
      ],
      resources: this.resources(spec.resources),
      securityContext: this.containerSecurityContext(spec.user),
      ...(spec.health ? this.probes(spec.health) : {}),
    };

    const podSpec: DeploymentV1SpecTemplateSpec = {
      securityContext: this.podSecurityContext(spec.user),
      automountServiceAccountToken: false,
      // Service links would inject e.g. KAFKA_PORT, which images that map KAFKA_* variables to broker settings misread.
      enableServiceLinks: false,
      // A service reaches itself under its own name, as on Docker, without waiting for its Service to route to it.
      hostAliases: ports.length ? [{ ip: '127.0.0.1', hostnames: [this.serviceHost(spec.name)] }] : undefined,
      restartPolicy: runsToCompletion ? 'OnFailure' : 'Always',
      initContainer: spec.init && [
        {
          name: spec.init.name,
          image: spec.init.image,
          imagePullPolicy: 'IfNotPresent',
          command: spec.init.command,
          volumeMount: scratch.map((v) => ({ name: v.name, mountPath: v.mountPath })),
          resources: this.resources(spec.resources),
          securityContext: this.containerSecurityContext(spec.user),
        },
      ],
      container: [container],
      volume: [
        ...scratch.map((v) => ({ name: v.name, emptyDir: {} })),
        ...(filesMap
          ? [{
            name: 'files',
            configMap: {
              name: filesMap.metadata.name,
              defaultMode: '0644',
              items: files.map((f, i) => ({ key: fileKey(f.path, i), path: fileKey(f.path, i), mode: f.executable ? '0755' : '0644' })),
            },
          }]
          : []),
      ],
    };
    const template = { metadata: { labels }, spec: podSpec };
    const metadata = this.metadata(spec.name, { [COMPONENT_LABEL]: spec.component, [NAME_LABEL]: spec.name });
    const timeouts = { create: this.waitTimeout, update: this.waitTimeout };

    let workload: DeploymentV1 | StatefulSetV1 | JobV1;
    if (runsToCompletion) {
      if (spec.volumes?.length) throw new Error(`service '${spec.name}': a ${lifecycle} cannot keep persistent volumes`);
      workload = new JobV1(scope, spec.name, {
        metadata,
        // A completed Job stays, so a redeploy that changes nothing does not run it again.
        spec: { backoffLimit: 10, template },
        // A task's failure (backoff limit reached) fails the deploy; a batch runs on in the background.
        waitForCompletion: lifecycle === 'task',
        timeouts,
        dependsOn,
      });
    } else if (spec.volumes?.length) {
      workload = new StatefulSetV1(scope, spec.name, {
        metadata,
        spec: {
          serviceName: spec.name,
          replicas: '1',
          selector: { matchLabels: selector },
          template,
          volumeClaimTemplate: spec.volumes.map((v) => ({
            metadata: { name: v.name, labels: { [STACK_LABEL]: this.stackName } },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${v.sizeGiB ?? 1}Gi` } } },
          })),
        },
        waitForRollout: true,
        timeouts,
        dependsOn,
      });
    } else {
      workload = new DeploymentV1(scope, spec.name, {
        metadata,
        spec: { replicas: '1', selector: { matchLabels: selector }, template },
        waitForRollout: true,
        timeouts,
        dependsOn,
      });
    }

    if (ports.length) {
      new ServiceV1(scope, `${spec.name}-service`, {
        metadata: this.metadata(this.serviceHost(spec.name), { [COMPONENT_LABEL]: spec.component }),
        spec: {
          type: 'ClusterIP',
          selector,
          port: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' })),
        },
      });
      this.ingressPolicy(scope, spec.name, selector, ports);
    }
    return { name: spec.name, dependable: workload };
  }
}
