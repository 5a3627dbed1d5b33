#!/usr/bin/env bash
# `npm test`: sets up what the test suites need on a fresh machine (system packages, npm
# dependencies, OpenTofu and the providers, a Docker engine with the offline stand-in images, the
# project image contexts), skipping what is there, then runs every suite with jest. Arguments go to
# jest. For the quick inner loop once set up: npx jest [pattern].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
mkdir -p "$CACHE_ROOT"

STEPS=8
step "system packages (PostgreSQL server, Chromium, JDK, Maven)"
if can_apt; then
  bash scripts/ci/system-packages.sh
else
  progress "not root on Debian/Ubuntu: suites whose tools are missing will say which and be skipped"
fi
step "npm dependencies"
ensure_npm_dependencies
step "OpenTofu and providers"
ensure_tofu
step "Docker engine, offline base images, stand-in images"
ensure_docker_engine
# The deploy tests read the stand-ins' names from here.
"$REPO_ROOT/scripts/offline/standin-images.sh" >"$CACHE_ROOT/standin-images.txt" || fail "building the stand-in images failed"
step "Flink Kubernetes Operator (Maven build, stand-in image, chart) from the vendored source release"
"$REPO_ROOT/scripts/offline/flink-operator.sh" >"$CACHE_ROOT/flink-operator.txt" || fail "building the Flink Kubernetes Operator failed"
step "Kubernetes cluster (built offline, its own containerd)"
# Taken down when the run ends, unless it was already running (then it is someone else's to keep).
if ! "$REPO_ROOT/scripts/offline/k8s-cluster.sh" status >/dev/null 2>&1; then
  trap '"$REPO_ROOT/scripts/offline/k8s-cluster.sh" down' EXIT
fi
k8s_env=$("$REPO_ROOT/scripts/offline/k8s-cluster.sh" up) || fail "bringing up the Kubernetes cluster failed"
eval "$(sed 's/^/export /' <<<"$k8s_env")"
# The kubectl built with the cluster, not whatever version the machine may have.
export PATH="$(dirname "$LEADERBOARD_KUBECTL"):$PATH"
step "project image contexts"
npm run --silent build:images >/dev/null || fail "preparing the project image contexts failed (npm run build:images)"
step "jest"
npx jest "$@"
