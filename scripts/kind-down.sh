#!/usr/bin/env bash
# Deletes the kind cluster of scripts/kind-up.sh, and with it everything the k8s stacks deployed
# there, then drops those stacks' local Terraform state, which described that cluster only.
#
#   scripts/kind-down.sh            (npm run kind:down)
#
# Env: KIND_CLUSTER (default: leaderboard). Idempotent: without the cluster it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster="${KIND_CLUSTER:-leaderboard}"

log() { printf '{"time":"%s","level":"%s","component":"kind-down","msg":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" >&2; }
command -v kind >/dev/null 2>&1 || { log error "missing prerequisite: kind"; exit 1; }

if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  log info "deleting kind cluster $cluster"
  kind delete cluster --name "$cluster" >&2
  # Only a deleted cluster makes the state stale; a state of another cluster is left alone.
  for stack in k8s-jdbc k8s-kafka; do
    for f in "terraform.$stack.tfstate" "terraform.$stack.tfstate.backup"; do
      if [ -f "$f" ]; then log info "removing $f (it described the deleted cluster)"; rm -f "$f"; fi
    done
  done
else
  log info "no kind cluster $cluster"
fi
log info "done"
