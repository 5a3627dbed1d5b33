#!/usr/bin/env bash
# Deploys one stack (default: docker-jdbc) and prints the dashboard URL.
# Usage: scripts/deploy.sh [stack]    Config: LEADERBOARD_CONFIG=path/to/config.json (optional)
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-docker-jdbc}"

log() { printf '[deploy %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "missing prerequisite: $1 ($2)"; exit 1; }; }

case "$stack" in
  docker-jdbc|docker-kafka) need docker "a Docker engine"; docker info >/dev/null 2>&1 || { log "the Docker engine does not answer (is dockerd running?)"; exit 1; } ;;
  k8s-jdbc|k8s-kafka) ;;
  *) log "unknown stack '$stack'; stacks: docker-jdbc, docker-kafka, k8s-jdbc, k8s-kafka"; exit 2 ;;
esac
need java "JDK 17, builds the Flink SQL runner"
need mvn "Maven, fetches the Flink connectors"
if [ -z "${TERRAFORM_BINARY_NAME:-}" ]; then
  if command -v tofu >/dev/null 2>&1; then export TERRAFORM_BINARY_NAME=tofu
  else need terraform "OpenTofu (tofu) or Terraform"; fi
fi

[ -d node_modules ] || { log "installing npm dependencies"; npm ci --no-audit --no-fund >&2; }
log "building the project image contexts"
npm run --silent build:images >&2
log "deploying $stack (first run builds the images; this takes a few minutes)"
outputs=$(mktemp)
trap 'rm -f "$outputs"' EXIT
# Locking asks the public registry for every platform's hashes; init still records this machine's.
npx cdktf deploy "$stack" --auto-approve --skip-provider-lock --outputs-file "$outputs" >&2
url=$(node -e 'const o=require(process.argv[1]);const s=o[process.argv[2]]||{};console.log(s.dashboard_url||"")' "$outputs" "$stack")
log "deployed $stack; tear down with: npm run destroy -- $stack"
echo "Dashboard: $url"
