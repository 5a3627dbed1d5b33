/**
 * `npm run kind:down`: deletes the kind cluster of `npm run kind:up`, and with it everything the
 * Kubernetes stacks deployed there, then what only described that cluster: the stacks' local
 * Terraform state and effective configuration, and kind's Docker network when nothing else uses it.
 *
 * Env: KIND_CLUSTER (default: the name in deploy/kind/cluster.yaml). Idempotent: without the cluster
 * it removes only what is left over.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STACKS } from '../../stacks/stack-list';
import { LOCAL_DIR, REPO_ROOT, fail, progress, runCommand } from './cli';
import { clusterName, kubeconfigPath } from './kind-cluster';
import { onPath, output } from './processes';
import { kindClusterSettings } from './setup-steps';

/** The kind kind:up linked, else the PATH's, else none. */
function kindBinary(): string | undefined {
  const linked = join(LOCAL_DIR, 'bin', 'kind');
  if (existsSync(linked)) return linked;
  return onPath('kind') ? 'kind' : undefined;
}

runCommand('kind-down', async () => {
  const cluster = clusterName();
  const kind = kindBinary();
  if (kind && (output(kind, ['get', 'clusters']) ?? '').split('\n').includes(cluster)) {
    progress(`deleting kind cluster ${cluster}`);
    if (output(kind, ['delete', 'cluster', '--name', cluster, '--kubeconfig', kubeconfigPath()]) === undefined) fail(`kind delete cluster ${cluster} failed`);
  } else {
    progress(`no kind cluster ${cluster}`);
  }
  for (const stack of STACKS.filter((s) => s.target === 'k8s')) {
    // Only state of this cluster: a stack deployed elsewhere (npm run deploy) keeps its own.
    if (!existsSync(kindClusterSettings(stack.name))) continue;
    const described = [
      join(REPO_ROOT, `terraform.${stack.name}.tfstate`),
      join(REPO_ROOT, `terraform.${stack.name}.tfstate.backup`),
      join(LOCAL_DIR, `config.${stack.name}.json`),
      kindClusterSettings(stack.name),
    ];
    for (const file of described.filter((f) => existsSync(f))) {
      progress(`removing ${file} (it described the deleted cluster)`);
      rmSync(file, { force: true });
    }
  }
  // kind leaves its network behind; removed when no container of anyone else is attached.
  const attached = output('docker', ['network', 'inspect', '-f', '{{len .Containers}}', 'kind']);
  if (attached === '0') {
    if (output('docker', ['network', 'rm', 'kind']) !== undefined) progress('removed the Docker network kind');
  } else if (attached !== undefined) {
    progress('kept the Docker network kind: other containers use it');
  }
  progress('done');
});
