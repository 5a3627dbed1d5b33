#!/usr/bin/env bash
# `npm test`: sets up what the test suites need on a fresh machine (system packages, npm
# dependencies, OpenTofu and the providers, a Docker engine with the third-party images, the Flink
# Kubernetes Operator, kind with its node image, the project image contexts), each by the artefact
# rule of scripts/lib/setup.sh and skipping what is there, then runs every suite with jest. Arguments
# go to jest. For the quick inner loop once set up: npx jest [pattern].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
cd "$REPO_ROOT"
mkdir -p "$CACHE_ROOT"

STEPS=7
step "system packages (PostgreSQL server, Chromium, JDK, Maven)"
if can_apt; then
  bash scripts/ci/system-packages.sh
else
  progress "not root on Debian/Ubuntu: suites whose tools are missing will say which and be skipped"
fi
step "npm dependencies"
ensure_npm_dependencies
step "Docker engine"
ensure_docker_engine
step "the third-party images and the Flink Kubernetes Operator (in the background), OpenTofu and the providers"
# The images and the operator are mostly downloads and image builds: they run beside the CPU-bound Go
# builds of OpenTofu and kind. The suites read what they obtained from the cache: the stand-ins'
# names (empty for the official images), the operator's image and chart or why there is none.
background="$CACHE_ROOT/setup-background"
mkdir -p "$background"
rm -f "$background/kubernetes"
(
  ensure_images "$CACHE_ROOT/standin-images.txt"
  if ensure_flink_operator "$CACHE_ROOT/flink-operator.txt"; then echo true; else echo false; fi >"$background/kubernetes"
) &
images_and_operator=$!
ensure_tofu
wait "$images_and_operator" || fail "obtaining the images or the Flink Kubernetes Operator failed; the line above says why"
kubernetes=$(cat "$background/kubernetes")
step "kind, kubectl and kind's node image (official, else built offline)"
if [ "$kubernetes" = true ]; then
  ensure_kind
  # The Kubernetes suites, and the documented commands they run, call kind and kubectl by name.
  export PATH="$LOCAL_DIR/bin:$PATH"
fi
step "project image contexts"
npm run --silent build:images >/dev/null || fail "preparing the project image contexts failed (npm run build:images)"
step "jest"
npx jest "$@"
