#!/usr/bin/env bash
# Destroys one stack (default: docker-jdbc): containers, network, volumes.
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-docker-jdbc}"
if [ -z "${TERRAFORM_BINARY_NAME:-}" ] && command -v tofu >/dev/null 2>&1; then export TERRAFORM_BINARY_NAME=tofu; fi
npx cdktf destroy "$stack" --auto-approve --skip-provider-lock >&2
echo "Destroyed $stack"
