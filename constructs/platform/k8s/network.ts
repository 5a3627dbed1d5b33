/**
 * Who may talk to whom, from the connections services declare. Every pod of the namespace denies
 * ingress and egress by default, except DNS; a published port admits everyone; each declared
 * connection admits its client's pods on the endpoint's port of the server's pods, and lets the
 * client's pods send there, each as a NetworkPolicy of its own (policies add up, so a server is
 * reachable exactly from the clients that declared it, and a client reaches exactly what it declared).
 * An endpoint outside the cluster has no pods to select: its clients may send to its port anywhere.
 */
import { NetworkPolicyV1, NetworkPolicyV1SpecEgress, NetworkPolicyV1SpecIngress } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import { Endpoint, PortSpec } from '../platform';
import { Labels, ObjectMetadata } from './metadata';

/** Pods that open connections, named for the policies that admit them. */
export interface Client {
  readonly name: string;
  readonly selector: Labels;
}

/** An ingress rule: `from` pods (all when absent) on `ports` (all when absent). */
interface IngressRule {
  readonly from?: Labels[];
  readonly ports?: readonly number[];
}

/** An egress rule: to pods `to` and addresses `cidrs` (anywhere when both are absent) on `ports` (all when absent). */
interface EgressRule {
  readonly to?: Labels[];
  readonly cidrs?: readonly string[];
  readonly ports?: readonly number[];
}

/** Addresses the Kubernetes API server answers on, as pods see them once a Service is resolved. */
export interface ApiServerAddresses {
  readonly cidrs: readonly string[];
  readonly ports: readonly number[];
}

/**
 * Anywhere on the ports Kubernetes API servers listen on: 443 (managed clusters), 6443 (kubeadm, kind,
 * k3s, Docker Desktop), 8443 (minikube), 16443 (MicroK8s). Its address is a node's or the provider's,
 * unknown before deploy.
 */
const ANYWHERE = '0.0.0.0/0';
export const ANY_API_SERVER: ApiServerAddresses = { cidrs: [ANYWHERE], ports: [443, 6443, 8443, 16443] };

const DNS_PORT = 53;
const tcp = (port: number) => ({ port: String(port), protocol: 'TCP' });

type PolicyType = 'Ingress' | 'Egress';

export class NetworkPolicies {
  /** Selectors of the servers whose endpoints clients may declare, by service name. */
  private readonly servers = new Map<string, Labels>();

  constructor(
    scope: Construct,
    private readonly metadata: (name: string) => ObjectMetadata,
    private readonly apiServer: ApiServerAddresses,
  ) {
    this.ingress(scope, 'default-deny-ingress', {}, []);
    this.write(scope, 'default-deny-egress', {}, 'Egress', []);
    // Every pod resolves names; where the resolver runs (a Service, a node-local cache) varies by cluster.
    this.write(scope, 'allow-dns-egress', {}, 'Egress', [{ ports: ['UDP', 'TCP'].map((protocol) => ({ port: String(DNS_PORT), protocol })) }]);
  }

  /** Registers a server's pods, and admits everyone to its published ports. */
  addServer(scope: Construct, name: string, selector: Labels, ports: readonly PortSpec[]): void {
    this.servers.set(name, selector);
    const published = ports.filter((p) => p.publish).map((p) => p.containerPort);
    if (published.length) this.ingress(scope, `${name}-published`, selector, [{ ports: published }]);
  }

  /** Admits `client`'s pods to each endpoint, and lets them send there (each server once per port). */
  connect(scope: Construct, client: Client, endpoints: readonly Endpoint[]): void {
    const ports = new Map<string, Set<number>>();
    const external = new Set<number>();
    for (const target of endpoints) {
      if (target.external) {
        external.add(target.port);
        continue;
      }
      if (!this.servers.has(target.service)) throw new Error(`'${client.name}' connects to '${target.address}', which is not a service of this stack`);
      if (target.service === client.name) continue;
      ports.set(target.service, (ports.get(target.service) ?? new Set()).add(target.port));
    }
    for (const [service, served] of ports) {
      const server = this.servers.get(service)!;
      this.ingress(scope, `${service}-from-${client.name}`, server, [{ from: [client.selector], ports: [...served] }]);
      this.egress(scope, `${client.name}-to-${service}`, client.selector, [{ to: [server], ports: [...served] }]);
    }
    if (external.size) this.egress(scope, `${client.name}-to-external`, client.selector, [{ cidrs: [ANYWHERE], ports: [...external] }]);
  }

  /** Lets `client`'s pods reach the Kubernetes API server (pods that watch or create objects). */
  allowApiServer(scope: Construct, client: Client): void {
    this.egress(scope, `${client.name}-to-api-server`, client.selector, [{ cidrs: this.apiServer.cidrs, ports: this.apiServer.ports }]);
  }

  /**
   * Admits the `from` clients' pods to `to`'s pods on `ports` (all when absent), as an ingress policy
   * `name` on `to` and an egress policy on each client: for pods this platform did not create.
   */
  allow(scope: Construct, name: string, from: readonly Client[], to: Labels, ports?: number[]): void {
    this.ingress(scope, name, to, [{ from: from.map((c) => c.selector), ports }]);
    for (const client of from) this.egress(scope, `${client.name}-to-${name}`, client.selector, [{ to: [to], ports }]);
  }

  /** A policy admitting ingress to `podSelector`'s pods by `rules`; an empty list admits nothing. */
  private ingress(scope: Construct, name: string, podSelector: Labels, rules: IngressRule[]): void {
    this.write(scope, name, podSelector, 'Ingress', rules.map((r) => ({
      from: r.from?.map((matchLabels) => ({ podSelector: { matchLabels } })),
      ports: r.ports?.map(tcp),
    })));
  }

  /** A policy letting `podSelector`'s pods send by `rules`; an empty list lets them send nowhere. */
  private egress(scope: Construct, name: string, podSelector: Labels, rules: EgressRule[]): void {
    this.write(scope, name, podSelector, 'Egress', rules.map((r) => ({
      to: [...(r.to ?? []).map((matchLabels) => ({ podSelector: { matchLabels } })), ...(r.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }))],
      ports: r.ports?.map(tcp),
    })));
  }

  private write(scope: Construct, name: string, podSelector: Labels, type: PolicyType, rules: (NetworkPolicyV1SpecIngress | NetworkPolicyV1SpecEgress)[]): void {
    const listed = rules.length === 0 ? undefined : rules;
    new NetworkPolicyV1(scope, name, {
      metadata: this.metadata(name),
      spec: {
        // An empty selector selects every pod of the namespace.
        podSelector: Object.keys(podSelector).length ? { matchLabels: podSelector } : {},
        policyTypes: [type],
        ingress: type === 'Ingress' ? (listed as NetworkPolicyV1SpecIngress[] | undefined) : undefined,
        egress: type === 'Egress' ? (listed as NetworkPolicyV1SpecEgress[] | undefined) : undefined,
      },
    });
  }
}
