/**
 * kind clusters for the Kubernetes suites: the kind, kubectl and node image `npm test`'s set-up
 * obtained (scripts/lib/setup.sh `ensure_kind`: official ones online, else built offline by
 * scripts/offline/kind-toolchain.sh), a cluster's kubeconfig and kubectl, and routes from this host to
 * its Services and pods through the node's address (admitted by a policy of the test's own), which is
 * how a test reads Kafka and PostgreSQL inside the cluster (a broker advertises its Service name,
 * which only the cluster resolves).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { setupOutput } from './deploy-checks';
import { Check } from './prerequisites';
import { tempDir } from './temp-dirs';

const runFile = promisify(execFile);
const root = path.resolve(__dirname, '..');

/** kind's defaults (pkg/apis/config/v1alpha4): what the node's kube-proxy and CNI serve. */
export const KIND_SERVICE_SUBNET = '10.96.0.0/16';
export const KIND_POD_SUBNET = '10.244.0.0/16';

export interface KindTools {
  readonly kind: string;
  readonly kubectl: string;
  /** Empty: kind's own default node image. */
  readonly nodeImage: string;
}

/** What the set-up obtained, from this checkout's .leaderboard/kind.txt. */
export function kindTools(): KindTools | undefined {
  let lines: string;
  try {
    lines = readFileSync(path.join(root, '.leaderboard', 'kind.txt'), 'utf8');
  } catch {
    return undefined;
  }
  const value = (key: string): string => new RegExp(`^${key}=(.*)$`, 'm').exec(lines)?.[1] ?? '';
  const kind = value('KIND_BINARY');
  const kubectl = value('KUBECTL_BINARY');
  return kind && kubectl ? { kind, kubectl, nodeImage: value('KIND_NODE_IMAGE') } : undefined;
}

/** The set-up obtained kind (and npm test skipped nothing Kubernetes needs), and this process may add routes. */
export const kindCheck: Check = () => {
  const operator = setupOutput('flink-operator.txt');
  if (operator.missing) return operator.missing;
  if (!kindTools()) return "npm test's set-up has not obtained kind (scripts/lib/setup.sh ensure_kind; run npm test once)";
  if (process.getuid?.() !== 0) return 'the kind suites route this host to the cluster\'s Services, which needs root';
  return undefined;
};

export class KindCluster {
  readonly context: string;

  constructor(
    readonly name: string,
    readonly kubeconfigPath: string,
    private readonly tools: KindTools,
  ) {
    this.context = `kind-${name}`;
  }

  /** An existing cluster, with its kubeconfig written to a file of its own. */
  static existing(name: string): KindCluster {
    const tools = kindTools();
    if (!tools) throw new Error('kind has not been set up (npm test)');
    const file = path.join(tempDir('kind-config'), 'kubeconfig');
    execFileSync(tools.kind, ['export', 'kubeconfig', '--name', name, '--kubeconfig', file], { stdio: 'ignore', timeout: 60_000 });
    return new KindCluster(name, file, tools);
  }

  /** Creates a cluster of the set-up's node image, or fails with kind's output. */
  static async create(name: string, timeoutMs = 5 * 60_000): Promise<KindCluster> {
    const tools = kindTools();
    if (!tools) throw new Error('kind has not been set up (npm test)');
    const file = path.join(tempDir('kind-config'), 'kubeconfig');
    await runFile(tools.kind, ['create', 'cluster', '--name', name, '--kubeconfig', file, '--wait', '180s', ...(tools.nodeImage ? ['--image', tools.nodeImage] : [])], {
      timeout: timeoutMs,
    });
    const cluster = new KindCluster(name, file, tools);
    // kind's --wait covers the control plane only; a pod that resolves names as it starts needs CoreDNS,
    // which can take a while here (its first API calls may hit the host's egress proxy and back off).
    await cluster.kubectl(['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=180s']);
    return cluster;
  }

  async delete(): Promise<void> {
    await runFile(this.tools.kind, ['delete', 'cluster', '--name', this.name, '--kubeconfig', this.kubeconfigPath], { timeout: 5 * 60_000 });
  }

  /** Copies local Docker images into the node (kind skips those it holds already). */
  async load(refs: string[]): Promise<void> {
    await runFile(this.tools.kind, ['load', 'docker-image', '--name', this.name, ...refs], { timeout: 10 * 60_000, maxBuffer: 16 << 20 });
  }

  /** kubectl against this cluster; `input` goes to its stdin (for `apply -f -`). */
  kubectl(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.tools.kubectl,
        ['--kubeconfig', this.kubeconfigPath, '--context', this.context, ...args],
        { maxBuffer: 16 << 20, timeout: 120_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`)) : resolve(stdout)),
      );
      child.stdin?.end(input);
    });
  }

  /** kubectl, synchronously, with its output trimmed. */
  kubectlSync(...args: string[]): string {
    return execFileSync(this.tools.kubectl, ['--kubeconfig', this.kubeconfigPath, '--context', this.context, ...args], { encoding: 'utf8', timeout: 60_000 }).trim();
  }

  /** The control-plane node's address on kind's Docker network. */
  nodeIp(): string {
    return execFileSync('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `${this.name}-control-plane`], {
      encoding: 'utf8',
      timeout: 30_000,
    }).trim();
  }

  /** This host's address on kind's network: the gateway Docker gives the node. */
  hostAddress(): string {
    const route = execFileSync('docker', ['exec', `${this.name}-control-plane`, 'ip', '-4', 'route', 'show', 'default'], { encoding: 'utf8', timeout: 30_000 });
    const via = /^default via (\S+)/m.exec(route)?.[1];
    if (!via) throw new Error(`no default route in ${this.name}-control-plane: ${route}`);
    return via;
  }

  /**
   * Admits this host (only) to every pod of `namespace`: the test's own door to Kafka and PostgreSQL,
   * as a NetworkPolicy beside the stack's (which admit no address outside the cluster).
   */
  async admitHost(namespace: string): Promise<void> {
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'test-host-access', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: `${this.hostAddress()}/32` } }] }] },
    };
    await this.kubectl(['apply', '-f', '-'], JSON.stringify(policy));
  }

  /**
   * Routes this host's traffic for the cluster's Service and pod addresses through the node, whose
   * kube-proxy and bridge deliver it; returns the undo. One cluster at a time has the routes.
   */
  routeFromHost(): () => void {
    const via = this.nodeIp();
    if (!via) throw new Error(`no address for ${this.name}-control-plane`);
    for (const subnet of [KIND_SERVICE_SUBNET, KIND_POD_SUBNET]) execFileSync('ip', ['route', 'replace', subnet, 'via', via]);
    return () => {
      for (const subnet of [KIND_SERVICE_SUBNET, KIND_POD_SUBNET]) {
        try {
          execFileSync('ip', ['route', 'delete', subnet, 'via', via], { stdio: 'ignore' });
        } catch {
          // Gone with the node's network already.
        }
      }
    };
  }
}
