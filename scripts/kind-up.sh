#!/usr/bin/env bash
# `npm run kind:up [-- STACK]`: one Kubernetes stack (default k8s-jdbc) on a local kind cluster. Sets up
# what is missing like `npm run deploy` (npm dependencies, OpenTofu, JDK and Maven, a Docker engine,
# the images, the Flink Kubernetes Operator), then kind and kubectl (official ones and kind's node
# image when Docker Hub answers, else built offline), creates the cluster of deploy/kind/cluster.yaml
# unless it exists, builds the project images and loads them into it with the third-party images
# present locally, deploys the stack with cdktf and waits until its Flink jobs run.
#
#   npm run kind:up [-- k8s-jdbc|k8s-kafka]      Config: LEADERBOARD_CONFIG (optional)
#
# Env: KIND_CLUSTER (default: the name in cluster.yaml), KIND_UP_TIMEOUT (seconds to wait for the jobs,
# default 900). Idempotent: a second run reuses the cluster, loads only changed images and applies only
# changes. kind and kubectl are linked into .leaderboard/bin.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
stack="${1:-$(stacks k8s | head -n 1)}"
check_stack "$stack" $(stacks k8s)
cluster="${KIND_CLUSTER:-$(sed -n 's/^name: *//p' deploy/kind/cluster.yaml)}"
timeout_s="${KIND_UP_TIMEOUT:-900}"
# What the pipeline's pods request on one node, with room for Kubernetes itself (docs/kubernetes.md).
MIN_ENGINE_MEMORY_MIB=${KIND_MIN_MEMORY_MIB:-8192}

STEPS=9
step "npm dependencies"
ensure_npm_dependencies
step "OpenTofu and providers"
ensure_tofu
step "JDK and Maven"
ensure_build_tools
step "Docker engine"
ensure_docker_engine
step "kind and kubectl"
ensure_kind
step "kind cluster $cluster"
kubeconfig="${KUBECONFIG:-$HOME/.kube/config}"
kubeconfig="${kubeconfig%%:*}"
if "$KIND" get clusters 2>/dev/null | grep -qx "$cluster"; then
  running=$(docker inspect -f '{{.Config.Image}}' "$cluster-control-plane" 2>/dev/null || echo unknown)
  if [ -n "$KIND_NODE_IMAGE" ] && [ "$running" != "$KIND_NODE_IMAGE" ]; then
    fail "a kind cluster named $cluster already runs node image $running, not $KIND_NODE_IMAGE: delete it (npm run kind:down) or pick another name (KIND_CLUSTER=...)"
  fi
  progress "reusing kind cluster $cluster ($running)"
else
  memory_mib=$(( $(docker info -f '{{.MemTotal}}') / 1048576 ))
  [ "$memory_mib" -ge "$MIN_ENGINE_MEMORY_MIB" ] ||
    fail "the Docker engine has $memory_mib MiB of memory; a kind cluster with the $stack stack needs at least $MIN_ENGINE_MEMORY_MIB MiB (Docker Desktop: Settings, Resources)"
  progress "creating kind cluster $cluster (log: $LOCAL_DIR/kind-create.log)"
  mkdir -p "$LOCAL_DIR"
  # shellcheck disable=SC2046
  if ! "$KIND" create cluster --name "$cluster" --config deploy/kind/cluster.yaml --kubeconfig "$kubeconfig" \
      $([ -z "$KIND_NODE_IMAGE" ] || echo --image "$KIND_NODE_IMAGE") --wait 180s >"$LOCAL_DIR/kind-create.log" 2>&1; then
    tail -n 30 "$LOCAL_DIR/kind-create.log" >&2
    # Nothing half-created stays behind.
    "$KIND" delete cluster --name "$cluster" >/dev/null 2>&1 || true
    fail "kind create cluster $cluster failed; its log is above and in $LOCAL_DIR/kind-create.log"
  fi
fi
"$KIND" export kubeconfig --name "$cluster" --kubeconfig "$kubeconfig" >/dev/null 2>&1
printf 'kubernetes.kubeconfigPath=%s\nkubernetes.context=kind-%s\n' "$kubeconfig" "$cluster" >"$LOCAL_DIR/kind-cluster.$stack.txt"

step "images"
ensure_images "$STANDIN_CHOICE"
obtain flink_operator "$LOCAL_DIR/flink-operator.txt" ||
  fail "the Kubernetes stacks need the Flink Kubernetes Operator; the line above says how to provide it"
write_effective_config "$stack" "$LOCAL_DIR/flink-operator.txt" "$LOCAL_DIR/kind-cluster.$stack.txt"
npm run --silent build:images >/dev/null || fail "preparing the project image contexts failed (npm run build:images)"
plan="$(npx ts-node --transpile-only scripts/kind-plan.ts)" || fail "the configuration is not valid (LEADERBOARD_CONFIG=${USER_CONFIG:-unset})"
namespace="$(awk '$1 == "namespace" { print $2 }' <<<"$plan")"
load=()
while read -r kind_ ref context base; do
  case "$kind_" in
    image)
      progress "building $ref"
      docker build --quiet --build-arg "BASE_IMAGE=$base" -t "$ref" "$context" >"$LOCAL_DIR/image-build.log" 2>&1 ||
        { tail -n 20 "$LOCAL_DIR/image-build.log" >&2; fail "docker build of $ref failed; log in $LOCAL_DIR/image-build.log"; }
      load+=("$ref") ;;
    # Loaded when present locally (offline machines); otherwise the node pulls it.
    thirdparty) ! docker image inspect "$ref" >/dev/null 2>&1 || load+=("$ref") ;;
  esac
done <<<"$plan"
progress "loading ${#load[@]} images into $cluster (only those it does not hold yet)"
"$KIND" load docker-image --name "$cluster" "${load[@]}" >"$LOCAL_DIR/kind-load.log" 2>&1 ||
  { tail -n 20 "$LOCAL_DIR/kind-load.log" >&2; fail "kind load docker-image failed; log in $LOCAL_DIR/kind-load.log"; }

step "cdktf deploy $stack (the operator, Kafka, the sinks, the Flink session and its jobs; minutes the first time)"
cdktf_deploy "$stack"

step "Flink jobs"
kubectl_ns() { "$KUBECTL" --kubeconfig "$kubeconfig" --context "kind-$cluster" -n "$namespace" "$@"; }
deadline=$((SECONDS + timeout_s))
while :; do
  states="$(kubectl_ns get flinksessionjobs -o jsonpath='{range .items[*]}{.metadata.name}={.status.jobStatus.state}{" "}{end}' 2>/dev/null || true)"
  total=$(wc -w <<<"$states")
  running=$(grep -o '=RUNNING' <<<"$states" | wc -l || true)
  if [ "$total" -gt 0 ] && [ "$running" -eq "$total" ]; then break; fi
  if [ $SECONDS -ge $deadline ]; then
    kubectl_ns get flinkdeployments,flinksessionjobs,pods >&2 || true
    fail "Flink jobs not all RUNNING after ${timeout_s}s: ${states:-none}"
  fi
  progress "jobs: ${states:-not created yet}"
  sleep 10
done
progress "all $total Flink jobs run; check the stack with: npm run status -- $stack; tear the cluster down with: npm run kind:down"
command -v kubectl >/dev/null 2>&1 || progress "kubectl is not on your PATH: use $LOCAL_DIR/bin/kubectl, e.g. export PATH=\"$LOCAL_DIR/bin:\$PATH\""
echo "Dashboard: kubectl -n $namespace port-forward svc/dashboard 8080:8080, then http://127.0.0.1:8080/"
echo "Flink UI:  kubectl -n $namespace port-forward svc/leaderboard-flink-rest 8081:8081, then http://127.0.0.1:8081/"
