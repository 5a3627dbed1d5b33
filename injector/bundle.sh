#!/bin/sh
# Writes the injector bundle (src/bundle.ts: one file, Node 18+, KafkaJS fast paths) to $1, and the
# Avro event schema it reads beside it (as user-score.avsc, a file next to the bundle).
# The bundler is itself bundled by esbuild's CLI first, which starts much faster than ts-node.
# The bundle is written next to its target and renamed into place, so concurrent runs never see
# a partial file.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 <outfile>" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1
mkdir -p "$root/build/injector" "$(dirname "$target")"
work=$(mktemp -d "$root/build/injector/.bundle.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$root/node_modules/.bin/esbuild" "$root/injector/src/bundle.ts" --bundle --platform=node --external:esbuild \
  --outfile="$work/bundler.js" --log-level=warning
node "$work/bundler.js" "$work/injector.js"
partial=$(mktemp "$(dirname "$target")/.injector.XXXXXX")
mv -f "$work/injector.js" "$partial"
mv -f "$partial" "$target"
mv -f "$work/user-score.avsc" "$(dirname "$target")/user-score.avsc"
