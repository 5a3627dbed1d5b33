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
step "Docker engine and the third-party images (official, else offline stand-ins)"
ensure_docker_engine
# The deploy tests read the stand-ins' names from here; empty when the official images are used.
ensure_images "$CACHE_ROOT/standin-images.txt"
step "Flink Kubernetes Operator (official image and chart, else built from its source release)"
# The Kubernetes suites read it from here: the operator's image and chart, or why there is none.
kubernetes=true
ensure_flink_operator "$CACHE_ROOT/flink-operator.txt" || kubernetes=false
step "Kubernetes cluster (built offline, its own containerd)"
if [ "$kubernetes" = true ]; then
  # Taken down when the run ends, unless it was already running (then it is someone else's to keep).
  if ! "$REPO_ROOT/scripts/offline/k8s-cluster.sh" status >/dev/null 2>&1; then
    trap '"$REPO_ROOT/scripts/offline/k8s-cluster.sh" down' EXIT
  fi
  k8s_env=$("$REPO_ROOT/scripts/offline/k8s-cluster.sh" up) || fail "bringing up the Kubernetes cluster failed"
  eval "$(sed 's/^/export /' <<<"$k8s_env")"
  # The kubectl built with the cluster, not whatever version the machine may have.
  export PATH="$(dirname "$LEADERBOARD_KUBECTL"):$PATH"
fi
step "project image contexts"
npm run --silent build:images >/dev/null || fail "preparing the project image contexts failed (npm run build:images)"
step "jest"
npx jest "$@"
