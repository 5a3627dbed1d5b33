#!/usr/bin/env bash
# Destroys one stack (default: docker-jdbc): on Docker its containers, network and volumes; on
# Kubernetes everything the stack created in its namespace.
#
#   npm run destroy [-- STACK]     with the same LEADERBOARD_CONFIG as the deploy, if it had one
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
stack="${1:-$(stacks | head -n 1)}"
check_stack "$stack"

STEPS=3
step "npm dependencies"
ensure_npm_dependencies
step "OpenTofu and providers"
ensure_tofu
write_effective_config "$stack" "$LOCAL_DIR/flink-operator.txt" "$LOCAL_DIR/kind-cluster.$stack.txt"
step "cdktf destroy $stack"
mkdir -p "$LOCAL_DIR"
log_file="$LOCAL_DIR/destroy.$stack.log"
protect_state
if ! (umask 077 && FORCE_COLOR=0 LEADERBOARD_IMAGE_CONTEXTS=optional exec npx cdktf destroy "$stack" --auto-approve --skip-provider-lock) >"$log_file" 2>&1 </dev/null; then
  tail -n 40 "$log_file" >&2
  fail "cdktf destroy $stack failed; full log in $log_file"
fi
progress "destroyed $stack"
echo "Destroyed $stack"
