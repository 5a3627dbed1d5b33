#!/usr/bin/env bash
# Prepares the offline build context of the project's Flink image in build/images/flink:
#   Dockerfile    flink-sql/image/Dockerfile with BASE_IMAGE defaulting to versions.json's images.flinkBase
#   lib/          the connector jars (Kafka connector + kafka-clients, JDBC connector, PostgreSQL driver),
#                 without artifacts Flink's own lib already has (e.g. lz4, snappy)
#   usrlib/       leaderboard-sql-runner.jar
# Idempotent and quick when nothing changed (flink-sql/build.sh rebuilds only what changed).
# Prints the context directory. Build with: docker build --build-arg BASE_IMAGE=<image> <dir>
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
flink="$("$here/build.sh")"
ctx="$root/build/images/flink"
base="$(node -e 'const v=require(process.argv[1]); if(!v.images||!v.images.flinkBase){console.error("versions.json has no images.flinkBase");process.exit(1)} console.log(v.images.flinkBase)' "$root/versions.json")"

rm -rf "$ctx.tmp"
mkdir -p "$ctx.tmp/lib" "$ctx.tmp/usrlib"
sed "s|^ARG BASE_IMAGE\$|ARG BASE_IMAGE=$base|" "$here/image/Dockerfile" > "$ctx.tmp/Dockerfile"
artifact() { basename "$1" | sed -E 's/-[0-9][^-]*(-[0-9.]+)?(-jre)?\.jar$//'; }
declare -A in_flink=()
for jar in "$flink"/lib/*.jar; do in_flink["$(artifact "$jar")"]=1; done
# flink-connector-base is kept although our module-jar lib has it: the connectors need it, and whether a
# base image's flink-dist bundles it is not part of the official image's contract (same version: harmless).
unset 'in_flink[flink-connector-base]'
for jar in "$flink"/connectors/*.jar; do
  [[ -n "${in_flink[$(artifact "$jar")]:-}" ]] || cp "$jar" "$ctx.tmp/lib/"
done
cp "$flink/runner/leaderboard-sql-runner.jar" "$ctx.tmp/usrlib/"
rm -rf "$ctx"
mv "$ctx.tmp" "$ctx"
echo "$ctx"
