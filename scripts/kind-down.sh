#!/usr/bin/env bash
# `npm run kind:down`: deletes the kind cluster of scripts/kind-up.sh, and with it everything the
# Kubernetes stacks deployed there, then what only described that cluster: the stacks' local
# Terraform state and effective configuration, and kind's Docker network when nothing else uses it.
#
# Env: KIND_CLUSTER (default: the name in deploy/kind/cluster.yaml). Idempotent: without the cluster
# it removes only what is left over.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
cluster="${KIND_CLUSTER:-$(sed -n 's/^name: *//p' deploy/kind/cluster.yaml)}"

kind=""
if [ -x "$LOCAL_DIR/bin/kind" ]; then kind="$LOCAL_DIR/bin/kind"; elif command -v kind >/dev/null 2>&1; then kind=kind; fi
if [ -n "$kind" ] && "$kind" get clusters 2>/dev/null | grep -qx "$cluster"; then
  progress "deleting kind cluster $cluster"
  kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
  "$kind" delete cluster --name "$cluster" --kubeconfig "${kubeconfig%%:*}" >&2
else
  progress "no kind cluster $cluster"
fi
for stack in $(stacks k8s); do
  # Only state of this cluster: a stack deployed elsewhere (npm run deploy) keeps its own.
  [ -f "$LOCAL_DIR/kind-cluster.$stack.txt" ] || continue
  for f in "terraform.$stack.tfstate" "terraform.$stack.tfstate.backup" "$LOCAL_DIR/config.$stack.json" "$LOCAL_DIR/kind-cluster.$stack.txt"; do
    if [ -f "$f" ]; then progress "removing $f (it described the deleted cluster)"; rm -f "$f"; fi
  done
done
# kind leaves its network behind; removed when no container of anyone else is attached.
if docker network inspect kind >/dev/null 2>&1; then
  if [ "$(docker network inspect -f '{{len .Containers}}' kind)" = 0 ]; then
    docker network rm kind >/dev/null && progress "removed the Docker network kind"
  else
    progress "kept the Docker network kind: other containers use it"
  fi
fi
progress "done"
