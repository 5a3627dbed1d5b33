#!/bin/sh
# Writes the dashboard image's build context to build/images/dashboard/ (Dockerfile, server bundle,
# page bundle), so the image builds offline with `docker build --build-arg BASE_IMAGE=... <dir>`.
# Rebuilt from source each run into a temporary directory and swapped in whole: the same sources give
# the same files, and an interrupted run never leaves a half-written context behind.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/build-context.sh"
out="$root/build/images/dashboard"
mkdir -p "$root/build/images"
tmp=$(mktemp -d "$root/build/images/.dashboard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
node_modules/.bin/ts-node --transpile-only -e "require('./dashboard/src/bundle').writeBuildContext(process.argv[1]).catch((e) => { console.error(e); process.exit(1); })" "$tmp"
cp dashboard/Dockerfile "$tmp/Dockerfile"
printf '*\n!Dockerfile\n!server.js\n!public\n' > "$tmp/.dockerignore"
publish_context "$tmp" "$out"
