/**
 * The project's single-node Kubernetes cluster (scripts/offline/k8s-cluster.sh) for integration
 * suites. `up` is idempotent and fast when the cluster runs (CI starts it before the tests), so every
 * suite may call ensureCluster(). There is no registry: images reach the cluster from the local
 * Docker engine through importImages(), and pods use imagePullPolicy Never or IfNotPresent.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Check } from './prerequisites';

const runFile = promisify(execFile);
const script = path.join(__dirname, '..', 'scripts', 'offline', 'k8s-cluster.sh');

export interface K8sCluster {
  /** Admin kubeconfig, for kubectl and for the stacks' `kubernetes.kubeconfigPath`. */
  readonly kubeconfigPath: string;
  /** The kubectl built with the cluster (same version as the apiserver). */
  readonly kubectlPath: string;
}

/**
 * Runs the cluster script; its progress (JSON lines on stderr) goes to this process's stderr, as a
 * cold build takes many minutes. Resolves with its stdout.
 */
function runScript(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`k8s-cluster.sh ${args.join(' ')} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

let cluster: Promise<K8sCluster> | undefined;

/** Brings the cluster up (building what is missing) or finds it running; once per test process. */
export function ensureCluster(timeoutMs = 60 * 60_000): Promise<K8sCluster> {
  cluster ??= runScript(['up'], timeoutMs).then((stdout) => {
    const vars = new Map(
      stdout
        .split('\n')
        .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
        .filter((m): m is RegExpMatchArray => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    const kubeconfigPath = vars.get('LEADERBOARD_KUBECONFIG');
    const kubectlPath = vars.get('LEADERBOARD_KUBECTL');
    if (!kubeconfigPath || !kubectlPath) throw new Error(`k8s-cluster.sh up printed no kubeconfig: ${stdout}`);
    return { kubeconfigPath, kubectlPath };
  });
  cluster.catch(() => (cluster = undefined));
  return cluster;
}

/** Copies Docker images into the cluster's containerd; images already there are skipped. */
export async function importImages(refs: string[], timeoutMs = 10 * 60_000): Promise<void> {
  if (refs.length > 0) await runScript(['import', ...refs], timeoutMs);
}

/** Runs kubectl against the cluster; `input` goes to its stdin (for `apply -f -`). Resolves with stdout. */
export async function kubectl(c: K8sCluster, args: string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await runFile(c.kubectlPath, ['--kubeconfig', c.kubeconfigPath, ...args], { maxBuffer: 16 << 20 });
    return stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(c.kubectlPath, ['--kubeconfig', c.kubeconfigPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`kubectl ${args.join(' ')} failed (exit code ${code}): ${stderr}`)),
    );
    child.stdin.end(input);
  });
}

/**
 * The script runs the cluster on this machine: it needs Linux, root (it makes a bridge and starts a
 * kubelet), a Docker engine (images are built there and copied in) and Go for a cold build.
 */
export const k8sClusterCheck: Check = () => {
  if (process.platform !== 'linux') return 'the Kubernetes test cluster runs on Linux only';
  if (process.getuid?.() !== 0) return 'the Kubernetes test cluster needs root (it creates a network bridge and runs a kubelet)';
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 30_000 }).status !== 0) {
    return 'no Docker engine reachable (docker info failed); the cluster imports its images from Docker';
  }
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status !== 0) {
    return "command 'go' not found on PATH (builds Kubernetes from the Go module proxy)";
  }
  return undefined;
};
