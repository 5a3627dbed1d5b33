#!/usr/bin/env bash
# Creates (or reuses) the kind cluster of deploy/kind/cluster.yaml, builds the project images and
# loads them into it, deploys one Kubernetes stack with cdktf, and waits until its Flink jobs run.
#
#   scripts/kind-up.sh [k8s-jdbc|k8s-kafka]          (npm run kind:up -- k8s-kafka)
#
# Config: LEADERBOARD_CONFIG=path/to/config.json (optional; kubernetes.* picks namespace, kubeconfig,
# context and image registry). Env: KIND_CLUSTER (default: the name in cluster.yaml), KIND_UP_TIMEOUT
# (seconds to wait for the jobs, default 900). Idempotent: a second run reuses the cluster, rebuilds
# only changed images and applies only changes.
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-k8s-jdbc}"
cluster="${KIND_CLUSTER:-leaderboard}"
timeout_s="${KIND_UP_TIMEOUT:-900}"

log() { printf '{"time":"%s","level":"%s","component":"kind-up","msg":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" >&2; }
fail() { log error "$1"; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "missing prerequisite: $1 ($2)"; }

case "$stack" in
  k8s-jdbc|k8s-kafka) ;;
  *) log error "unknown stack '$stack'; kind stacks: k8s-jdbc, k8s-kafka"; exit 2 ;;
esac
need docker "a Docker engine: builds the images and runs the kind node"
need kind "kind $(node -p 'require("./versions.json").kind'): go install sigs.k8s.io/kind@v$(node -p 'require("./versions.json").kind')"
need kubectl "kubectl: waits for the Flink jobs and port-forwards"
need java "JDK 17: builds the Flink SQL runner"
need mvn "Maven: fetches the Flink connectors"
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (is dockerd running?)"
if [ -z "${TERRAFORM_BINARY_NAME:-}" ]; then
  if command -v tofu >/dev/null 2>&1; then export TERRAFORM_BINARY_NAME=tofu
  else need terraform "OpenTofu (tofu) or Terraform"; fi
fi
[ -d node_modules ] || { log info "installing npm dependencies"; npm ci --no-audit --no-fund >&2; }

if kind get clusters 2>/dev/null | grep -qx "$cluster"; then
  log info "reusing kind cluster $cluster"
else
  log info "creating kind cluster $cluster"
  kind create cluster --name "$cluster" --config deploy/kind/cluster.yaml --wait 180s >&2
fi
# The stacks use the kubeconfig's current context unless kubernetes.context says otherwise.
kind export kubeconfig --name "$cluster" >&2

plan="$(npx ts-node --transpile-only scripts/kind-plan.ts)" || fail "cannot read the stack configuration"
namespace="$(awk '$1 == "namespace" { print $2 }' <<<"$plan")"

log info "building the project image contexts"
npm run --silent build:images >&2
while read -r kind_ ref context base; do
  [ "$kind_" = image ] || continue
  log info "building $ref"
  docker build --quiet --build-arg "BASE_IMAGE=$base" -t "$ref" "$context" >&2
  log info "loading $ref into $cluster"
  kind load docker-image "$ref" --name "$cluster" >&2
done <<<"$plan"
while read -r kind_ ref _; do
  [ "$kind_" = thirdparty ] || continue
  # Loaded when present locally (offline machines); otherwise the node pulls it.
  if docker image inspect "$ref" >/dev/null 2>&1; then
    log info "loading $ref into $cluster"
    kind load docker-image "$ref" --name "$cluster" >&2
  fi
done <<<"$plan"

log info "deploying $stack (operator, Kafka, sinks, Flink session and jobs; first run takes several minutes)"
npx cdktf deploy "$stack" --auto-approve >&2

log info "waiting up to ${timeout_s}s for the FlinkSessionJobs to run"
deadline=$(( $(date +%s) + timeout_s ))
while :; do
  states="$(kubectl -n "$namespace" get flinksessionjobs -o jsonpath='{range .items[*]}{.metadata.name}={.status.jobStatus.state}{" "}{end}' 2>/dev/null || true)"
  total=$(wc -w <<<"$states")
  running=$(grep -o '=RUNNING' <<<"$states" | wc -l || true)
  if [ "$total" -gt 0 ] && [ "$running" -eq "$total" ]; then break; fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    kubectl -n "$namespace" get flinkdeployments,flinksessionjobs,pods >&2 || true
    fail "Flink jobs not all RUNNING after ${timeout_s}s: ${states:-none}"
  fi
  log info "jobs: ${states:-not yet created}"
  sleep 10
done
log info "all $total Flink jobs are RUNNING"

cat >&2 <<EOF
Deployed $stack to kind cluster $cluster, namespace $namespace. Open the UIs with:
  kubectl -n $namespace port-forward svc/dashboard 8080:8080          # dashboard: http://127.0.0.1:8080/
  kubectl -n $namespace port-forward svc/leaderboard-flink-rest 8081:8081   # Flink UI: http://127.0.0.1:8081/
Tear down with: npm run kind:down
EOF
