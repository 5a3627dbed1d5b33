#!/bin/sh
# Writes the dashboard image's build context to build/images/dashboard/ (Dockerfile, server bundle,
# page bundle), so the image builds offline with `docker build --build-arg BASE_IMAGE=... <dir>`.
# Rebuilt from source each run into a temporary directory and swapped in whole: the same sources give
# the same files, and an interrupted run never leaves a half-written context behind.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/build/images/dashboard"
mkdir -p "$root/build/images"
tmp=$(mktemp -d "$root/build/images/.dashboard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
node_modules/.bin/ts-node --transpile-only -e "require('./dashboard/src/bundle').writeBuildContext(process.argv[1]).catch((e) => { console.error(e); process.exit(1); })" "$tmp"
cp dashboard/Dockerfile "$tmp/Dockerfile"
printf '*\n!Dockerfile\n!server.js\n!public\n' > "$tmp/.dockerignore"
chmod -R a+rX "$tmp"
if [ -d "$out" ] && diff -r "$tmp" "$out" >/dev/null 2>&1; then
  echo "$out (unchanged)"
  exit 0
fi
rm -rf "$out.old"
if [ -d "$out" ]; then mv "$out" "$out.old"; fi
mv "$tmp" "$out"
rm -rf "$out.old"
echo "$out"
