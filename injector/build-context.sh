#!/bin/sh
# Writes the injector image's build context to build/images/injector/ (Dockerfile and the single
# bundle from bundle.sh), so the image builds offline: docker build --build-arg BASE_IMAGE=... <dir>.
# Built into a temporary directory and swapped in whole, and left alone when nothing changed, so it
# is idempotent and an interrupted run never leaves a half-written context.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/build-context.sh"
out="$root/build/images/injector"
mkdir -p "$root/build/images"
tmp=$(mktemp -d "$root/build/images/.injector.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
sh injector/bundle.sh "$tmp/injector.js"
node_image=$(node -p "require('./versions.json').images.node")
sed "s|^ARG BASE_IMAGE\$|ARG BASE_IMAGE=$node_image|" injector/Dockerfile > "$tmp/Dockerfile"
grep -q "^ARG BASE_IMAGE=$node_image\$" "$tmp/Dockerfile"
printf '*\n!Dockerfile\n!injector.js\n' > "$tmp/.dockerignore"
publish_context "$tmp" "$out"
