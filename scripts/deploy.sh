#!/usr/bin/env bash
# Deploys one stack (default: docker-jdbc) and prints where its dashboard and Flink UI are. On a
# fresh machine it first sets up what is missing (npm dependencies, JDK and Maven, a Docker engine,
# OpenTofu and the providers, the images) and skips what is already there.
#
#   npm run deploy [-- STACK]      Config: LEADERBOARD_CONFIG=path/to/config.json (optional)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
stack="${1:-$(stacks | head -n 1)}"
check_stack "$stack"
target=${stack%%-*}

STEPS=$([ "$target" = docker ] && echo 7 || echo 5)
step "npm dependencies"
ensure_npm_dependencies
step "OpenTofu and providers"
ensure_tofu
if [ "$target" = docker ]; then
  step "JDK and Maven"
  ensure_build_tools
  step "Docker engine"
  ensure_docker_engine
  step "images"
  ensure_images "$STANDIN_CHOICE"
  step "project image contexts (Flink SQL runner and connectors, injector, dashboard)"
  npm run --silent build:images >/dev/null || fail "preparing the project image contexts failed (npm run build:images)"
fi
if [ "$target" = k8s ]; then
  step "Flink Kubernetes Operator"
  obtain flink_operator "$LOCAL_DIR/flink-operator.txt" || fail "the Kubernetes stacks need the Flink Kubernetes Operator; the line above says how to provide it"
fi
write_effective_config "$stack" "$LOCAL_DIR/flink-operator.txt"
if [ "$target" = k8s ]; then
  kubeconfig=$(npx ts-node --transpile-only -e '
    import { homedir } from "node:os";
    import { loadConfig } from "./stacks/config";
    console.log(loadConfig().kubernetes.kubeconfigPath.replace(/^~(?=\/)/, homedir()));')
  [ -f "$kubeconfig" ] || fail "no kubeconfig at $kubeconfig: create a cluster first (npm run kind:up makes one) or set kubernetes.kubeconfigPath, see docs/kubernetes.md"
fi

step "cdktf deploy $stack (builds the project images the first time; a few minutes)"
cdktf_deploy "$stack"
outputs="$LOCAL_DIR/outputs.$stack.json"

read_output() {
  node -e '
    const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]] || {};
    console.log(o[process.argv[3]] || "");
  ' "$outputs" "$stack" "$1"
}
dashboard_url=$(read_output dashboard_url)
flink_ui_url=$(read_output flink_ui_url)

if [ "$target" = docker ]; then
  progress "waiting for the dashboard at $dashboard_url"
  deadline=$((SECONDS + 120))
  until curl -fsS -o /dev/null --max-time 5 "${dashboard_url}healthz" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "the dashboard did not answer at ${dashboard_url}healthz within 120 s; see npm run status -- $stack"
    sleep 2
  done
fi
progress "deployed $stack; check it with: npm run status -- $stack; tear it down with: npm run destroy -- $stack"
echo "Dashboard: $dashboard_url"
echo "Flink UI:  $flink_ui_url"
