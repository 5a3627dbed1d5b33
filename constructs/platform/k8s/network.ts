/**
 * Who may talk to whom, from the connections services declare. Every pod of the namespace denies
 * ingress by default; a published port admits everyone; each declared connection admits its client's
 * pods on the endpoint's port of the server's pods, as one NetworkPolicy of its own (policies add up,
 * so a server is reachable exactly from the clients that declared it).
 */
import { NetworkPolicyV1 } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import { Endpoint, PortSpec } from '../platform';
import { Labels, ObjectMetadata } from './metadata';

/** Pods that open connections, named for the policies that admit them. */
export interface Client {
  readonly name: string;
  readonly selector: Labels;
}

/** An ingress rule: `from` pods (all when absent) on `ports` (all when absent). */
export interface IngressRule {
  readonly from?: Labels[];
  readonly ports?: number[];
}

const tcp = (port: number) => ({ port: String(port), protocol: 'TCP' });

export class NetworkPolicies {
  /** Selectors of the servers whose endpoints clients may declare, by service name. */
  private readonly servers = new Map<string, Labels>();

  constructor(
    scope: Construct,
    private readonly metadata: (name: string) => ObjectMetadata,
  ) {
    this.policy(scope, 'default-deny-ingress', {}, []);
  }

  /** Registers a server's pods, and admits everyone to its published ports. */
  addServer(scope: Construct, name: string, selector: Labels, ports: readonly PortSpec[]): void {
    this.servers.set(name, selector);
    const published = ports.filter((p) => p.publish).map((p) => p.containerPort);
    if (published.length) this.policy(scope, `${name}-published`, selector, [{ ports: published }]);
  }

  /** Admits `client`'s pods to each endpoint (each server once per port). */
  connect(scope: Construct, client: Client, endpoints: readonly Endpoint[]): void {
    // One policy per server, admitting the client on every port it connects to there.
    const ports = new Map<string, Set<number>>();
    for (const target of endpoints) {
      if (!this.servers.has(target.service)) throw new Error(`'${client.name}' connects to '${target.address}', which is not a service of this stack`);
      if (target.service === client.name) continue;
      ports.set(target.service, (ports.get(target.service) ?? new Set()).add(target.port));
    }
    for (const [service, served] of ports) {
      this.policy(scope, `${service}-from-${client.name}`, this.servers.get(service)!, [{ from: [client.selector], ports: [...served] }]);
    }
  }

  /** A policy admitting ingress to `podSelector`'s pods by `rules`; an empty list admits nothing. */
  policy(scope: Construct, name: string, podSelector: Labels, rules: IngressRule[]): NetworkPolicyV1 {
    return new NetworkPolicyV1(scope, name, {
      metadata: this.metadata(name),
      spec: {
        // An empty selector selects every pod of the namespace.
        podSelector: Object.keys(podSelector).length ? { matchLabels: podSelector } : {},
        policyTypes: ['Ingress'],
        ingress: rules.length === 0 ? undefined : rules.map((r) => ({
          from: r.from?.map((matchLabels) => ({ podSelector: { matchLabels } })),
          ports: r.ports?.map(tcp),
        })),
      },
    });
  }
}
