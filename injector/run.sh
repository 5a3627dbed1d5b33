#!/bin/sh
# `npm run injector -- [flags]`: builds the bundle the image ships and runs it with the flags.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
sh "$root/injector/bundle.sh" "$root/build/injector/cli.js"
exec node "$root/build/injector/cli.js" "$@"
