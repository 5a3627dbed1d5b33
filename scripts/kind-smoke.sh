#!/usr/bin/env bash
# Checks a stack deployed by `npm run kind:up` end to end: port-forwards the dashboard and polls its
# /api/leaderboards until every board of common/contract/metrics.ts has rows (the injector's events went
# through Kafka, the Flink jobs and the sink), or fails after a timeout.
#
#   scripts/kind-smoke.sh            Env: KIND_SMOKE_TIMEOUT (seconds, default 600), KIND_SMOKE_PORT (default 18080)
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_s="${KIND_SMOKE_TIMEOUT:-600}"
port="${KIND_SMOKE_PORT:-18080}"

log() { printf '{"time":"%s","level":"%s","component":"kind-smoke","msg":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" >&2; }
fail() { log error "$1"; exit 1; }
command -v kubectl >/dev/null 2>&1 || fail "missing prerequisite: kubectl"
command -v curl >/dev/null 2>&1 || fail "missing prerequisite: curl"

namespace="$(npx ts-node --transpile-only scripts/kind-plan.ts | awk '$1 == "namespace" { print $2 }')"
boards="$(npx ts-node --transpile-only -e 'import { METRICS } from "./common/contract"; console.log(METRICS.map((m) => m.id).join(","))')"

kubectl -n "$namespace" rollout status deployment/dashboard --timeout=300s >&2
kubectl -n "$namespace" port-forward svc/dashboard "$port:8080" >/dev/null 2>&1 &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT

deadline=$(( $(date +%s) + timeout_s ))
summary="no answer yet"
while [ "$(date +%s)" -lt "$deadline" ]; do
  if ! kill -0 "$forward" 2>/dev/null; then
    kubectl -n "$namespace" port-forward svc/dashboard "$port:8080" >/dev/null 2>&1 &
    forward=$!
  fi
  if body="$(curl -fsS --max-time 5 "http://127.0.0.1:$port/api/leaderboards" 2>/dev/null)"; then
    # Prints "ok" when every expected board has rows, else the row count per board.
    summary="$(node -e '
      const [body, ids] = [process.argv[1], process.argv[2].split(",")];
      const boards = JSON.parse(body).boards || {};
      const counts = ids.map((id) => `${id}=${((boards[id] || {}).rows || []).length}`);
      console.log(ids.every((id) => ((boards[id] || {}).rows || []).length > 0) ? "ok" : counts.join(" "));
    ' "$body" "$boards")"
    if [ "$summary" = ok ]; then
      log info "all boards have rows: $boards"
      exit 0
    fi
  fi
  log info "waiting for the boards: $summary"
  sleep 10
done
kubectl -n "$namespace" get pods,flinksessionjobs >&2 || true
fail "boards still empty after ${timeout_s}s: $summary"
