#!/usr/bin/env bash
# Entry of the npm commands written in TypeScript (scripts/cli/COMMAND.ts): they need node_modules
# to run, so this installs the npm dependencies first when they are missing or older than
# package-lock.json, then hands over.
#
#   bash scripts/cli/run.sh COMMAND [ARG...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"
source "$REPO_ROOT/scripts/lib/setup.sh"
SCRIPT_NAME=$1
ensure_npm_dependencies
exec "$REPO_ROOT/node_modules/.bin/ts-node" --transpile-only "$REPO_ROOT/scripts/cli/$1.ts" "${@:2}"
