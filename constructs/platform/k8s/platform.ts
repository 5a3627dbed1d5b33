/**
 * The Kubernetes target: one namespace; per service a workload (workload.ts) running its pod template
 * (pod.ts), a ClusterIP Service for its ports, and NetworkPolicies from the connections services
 * declare (network.ts); generated passwords in Secrets (secrets.ts). Every pod runs as the one
 * security context of security.ts.
 */
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { Endpoint, IPlatform, IService, ServiceSpec, StoredSecret, serviceHandle } from '../platform';
import { generatePasswords } from '../passwords';
import { COMPONENT_LABEL, Labels, NAME_LABEL, ObjectMetadata, REPLICA_GROUP_LABEL, STACK_LABEL, podLabels, serviceSelector } from './metadata';
import { disruptionBudget } from './disruption';
import { ANY_API_SERVER, ApiServerAddresses, Client, NetworkPolicies } from './network';
import { filesConfigMap, podTemplate } from './pod';
import { kubernetesSecret } from './secrets';
import { runsToCompletion, workload } from './workload';

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
  /**
   * Where pods that use the Kubernetes API (the Flink pods, the operator) may send to reach it. Narrow
   * it to the API server's addresses where they are known (`kubectl get endpoints kubernetes`).
   * @default ANY_API_SERVER (anywhere on the usual API server ports)
   */
  readonly apiServer?: ApiServerAddresses;
}

/**
 * Pod Security admission: every pod of the stack (its services, the Flink pods, the operator) runs
 * as security.ts defines, which the `restricted` level admits; the API server refuses any other.
 */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;

export class K8sPlatform extends Construct implements IPlatform {
  readonly stackName: string;
  readonly namespace: string;
  readonly namespaceResource: NamespaceV1;
  private readonly waitTimeout: string;
  private readonly network: NetworkPolicies;
  private readonly replicaGroups = new Set<string>();

  constructor(scope: Construct, id: string, props: K8sPlatformProps) {
    super(scope, id);
    this.stackName = props.stackName;
    this.namespace = props.namespace;
    this.waitTimeout = props.waitTimeout ?? '10m';
    this.namespaceResource = new NamespaceV1(this, 'namespace', {
      metadata: { name: props.namespace, labels: { [STACK_LABEL]: this.stackName, ...POD_SECURITY_LABELS } },
    });
    this.network = new NetworkPolicies(this, (name) => this.metadata(name), props.apiServer ?? ANY_API_SERVER);
  }

  /** Metadata of a namespaced object; the namespace reference orders it after the namespace. */
  metadata(name: string, labels: Labels = {}): ObjectMetadata {
    return { name, namespace: this.namespaceResource.metadata.name, labels: { [STACK_LABEL]: this.stackName, ...labels } };
  }

  generatedSecret(scope: Construct, name: string, keys: string[]): StoredSecret {
    return this.secret(scope, name, generatePasswords(scope, name, keys));
  }

  secret(scope: Construct, name: string, values: Readonly<Record<string, string>>): StoredSecret {
    return kubernetesSecret(scope, this.metadata(name), values);
  }

  /** Lets pods this platform did not create (e.g. an operator's) open the connections a service would declare. */
  allowConnections(scope: Construct, client: Client, endpoints: readonly Endpoint[]): void {
    this.network.connect(scope, client, endpoints);
  }

  /** A PodDisruptionBudget for pods this platform did not create: a drain evicts one at a time. */
  limitDisruption(scope: Construct, name: string, podSelector: Labels): void {
    disruptionBudget(scope, this.metadata(name), podSelector);
  }

  /** Admits `from`'s pods to `to`'s pods on `ports` (all when absent): for pods this platform did not create. */
  allowTraffic(scope: Construct, name: string, from: readonly Client[], to: Labels, ports?: number[]): void {
    this.network.allow(scope, name, from, to, ports);
  }

  /** Lets `client`'s pods, which this platform did not create, use the Kubernetes API. */
  allowApiServer(scope: Construct, client: Client): void {
    this.network.allowApiServer(scope, client);
  }

  /** The pod labels of a replica group; its PodDisruptionBudget is made with the first member. */
  private replicaGroup(scope: Construct, name: string): Labels {
    const labels = { [STACK_LABEL]: this.stackName, [REPLICA_GROUP_LABEL]: name };
    if (!this.replicaGroups.has(name)) {
      this.replicaGroups.add(name);
      disruptionBudget(scope, this.metadata(name), labels);
    }
    return labels;
  }

  connect(scope: Construct, client: IService, endpoints: Endpoint[]): void {
    this.network.connect(scope, { name: client.name, selector: serviceSelector(this.stackName, client.name) }, endpoints);
  }

  addService(scope: Construct, spec: ServiceSpec): IService {
    const ports = spec.ports ?? [];
    const selector = serviceSelector(this.stackName, spec.name);
    const files = filesConfigMap(scope, spec, this.metadata(`${spec.name}-files`, { [COMPONENT_LABEL]: spec.component }));
    const template = podTemplate(spec, {
      labels: podLabels(this.stackName, spec.name, spec.component, spec.replicaGroup),
      runsToCompletion: runsToCompletion(spec),
      files,
      spreadWith: spec.replicaGroup === undefined ? undefined : this.replicaGroup(scope, spec.replicaGroup),
    });
    const resource = workload(scope, spec, {
      metadata: this.metadata(spec.name, { [COMPONENT_LABEL]: spec.component, [NAME_LABEL]: spec.name }),
      selector,
      template,
      stackName: this.stackName,
      waitTimeout: this.waitTimeout,
      dependsOn: (spec.dependsOn ?? []).map((s) => s.dependable),
    });
    if (ports.length) {
      new ServiceV1(scope, `${spec.name}-service`, {
        metadata: this.metadata(spec.name, { [COMPONENT_LABEL]: spec.component }),
        spec: {
          type: 'ClusterIP',
          selector,
          publishNotReadyAddresses: spec.reachableBeforeHealthy,
          port: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' })),
        },
      });
      this.network.addServer(scope, spec.name, selector, ports);
    }
    this.network.connect(scope, { name: spec.name, selector }, spec.connectsTo ?? []);
    return serviceHandle(spec, resource);
  }
}
