/** The kind cluster `kind:up` and `kind:down` work on, and the kubeconfig they write its context to. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cli';

/** KIND_CLUSTER, else the name in deploy/kind/cluster.yaml. */
export function clusterName(): string {
  if (process.env.KIND_CLUSTER) return process.env.KIND_CLUSTER;
  const name = /^name: *(\S+)/m.exec(readFileSync(join(REPO_ROOT, 'deploy', 'kind', 'cluster.yaml'), 'utf8'));
  if (!name) throw new Error('deploy/kind/cluster.yaml names no cluster');
  return name[1];
}

/** The first file of KUBECONFIG, else ~/.kube/config, as kubectl would write it. */
export function kubeconfigPath(): string {
  return (process.env.KUBECONFIG || join(homedir(), '.kube', 'config')).split(':')[0];
}
