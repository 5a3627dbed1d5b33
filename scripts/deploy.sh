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
stack="${1:-docker-jdbc}"
check_stack "$stack"
target=${stack%%-*}

STEPS=$([ "$target" = docker ] && echo 7 || echo 4)
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
write_effective_config "$stack"
if [ "$target" = k8s ]; then
  kubeconfig=$(npx ts-node --transpile-only -e '
    import { homedir } from "node:os";
    import { loadConfig } from "./stacks/config";
    console.log(loadConfig().kubernetes.kubeconfigPath.replace(/^~(?=\/)/, homedir()));')
  [ -f "$kubeconfig" ] || fail "no kubeconfig at $kubeconfig: create a cluster first (npm run kind:up, or bash scripts/offline/k8s-cluster.sh up and set kubernetes.kubeconfigPath), see docs/kubernetes.md"
fi

step "cdktf deploy $stack (builds the project images the first time; a few minutes)"
mkdir -p "$LOCAL_DIR"
log_file="$LOCAL_DIR/deploy.$stack.log"
outputs="$LOCAL_DIR/outputs.$stack.json"
rm -f "$outputs"
# Locking asks the public registry for every platform's hashes; init still records this machine's.
FORCE_COLOR=0 npx cdktf deploy "$stack" --auto-approve --skip-provider-lock --outputs-file "$outputs" \
  >"$log_file" 2>&1 </dev/null &
deploy_pid=$!
# Progress: one line per resource created, changed or destroyed, and the summary.
tail -n +1 -f --pid="$deploy_pid" "$log_file" 2>/dev/null |
  sed -nu -E 's/^.*\(([^)]+)\): (Creation|Modifications|Destruction) complete after ([0-9hms]+).*$/\2 complete: \1 (\3)/p; s/^.*(Apply complete!.*|No changes\..*)$/\1/p' |
  while IFS= read -r line; do progress "$line"; done &
status=0
wait "$deploy_pid" || status=$?
wait || true
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log_file" >&2
  fail "cdktf deploy $stack failed (exit $status); full log in $log_file"
fi

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
