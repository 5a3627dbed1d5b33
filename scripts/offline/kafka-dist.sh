#!/usr/bin/env bash
# Assembles an Apache Kafka distribution (libs/ and config/log4j.properties) from Maven Central jars,
# at the Kafka version in versions.json, and prints its libs directory on stdout. Used where the
# binary tarball and the apache/kafka image are unreachable: the host-process broker of the tests
# (test-support/kafka.ts) and the offline Kafka stand-in image.
#
#   scripts/offline/kafka-dist.sh [DIST_DIR]
#
# DIST_DIR (or $KAFKA_DIST_DIR) defaults to ${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}/kafka-<version>.
# Idempotent: a second run finds the finished directory and prints it without touching Maven.
# Concurrent runs for one directory are serialized by a lock; the directory appears only when complete.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
recipe="$here/kafka-dist"
versions="$here/../../versions.json"

log() { printf '{"time":"%s","level":"%s","component":"kafka-dist","msg":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" >&2; }
fail() { log error "$1"; exit 1; }

command -v node >/dev/null || fail "node is required to read versions.json"
version="$(node -e 'const v = require(process.argv[1]).kafka; if (!v) process.exit(1); console.log(v)' "$versions")" \
  || fail "versions.json has no \"kafka\" key"
dist="${1:-${KAFKA_DIST_DIR:-${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}/kafka-$version}}"

# The stamp records what the directory was built from, so a changed version or recipe rebuilds it.
fingerprint="$( { echo "kafka $version"; cat "$recipe/pom.xml" "$recipe/log4j.properties"; } | sha256sum | cut -d' ' -f1)"
is_current() { [[ -f "$dist/.complete" && "$(cat "$dist/.complete")" == "$fingerprint" ]]; }

if is_current; then echo "$dist/libs"; exit 0; fi

mkdir -p "$(dirname "$dist")"
exec 9>"$dist.lock"
flock -w 900 9 || fail "timed out after 900 s waiting for another kafka-dist.sh building $dist"
if is_current; then echo "$dist/libs"; exit 0; fi

command -v mvn >/dev/null || fail "mvn (Maven) is required to resolve the Kafka jars"
staging="$(mktemp -d "$dist.tmp.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
# Maven runs on a copy so that nothing (target/) is written into the repository.
cp "$recipe/pom.xml" "$staging/pom.xml"

log info "resolving Apache Kafka $version jars from Maven Central into $dist"
started=$SECONDS
if ! nice mvn -B -q -f "$staging/pom.xml" package -Dkafka.version="$version" -Dkafka.libs="$staging/dist/libs" \
    >"$staging/maven.log" 2>&1; then
  tail -n 40 "$staging/maven.log" >&2
  fail "Maven could not resolve org.apache.kafka:kafka_2.13:$version and kafka-tools (is Maven Central reachable?)"
fi

for jar in "kafka_2.13-$version.jar" "kafka-tools-$version.jar" "kafka-clients-$version.jar"; do
  [[ -f "$staging/dist/libs/$jar" ]] || fail "resolved jar set lacks $jar"
done
compgen -G "$staging/dist/libs/slf4j-reload4j-*.jar" >/dev/null || fail "resolved jar set lacks the slf4j-reload4j logging binding"

mkdir -p "$staging/dist/config"
cp "$recipe/log4j.properties" "$staging/dist/config/log4j.properties"
echo "$fingerprint" > "$staging/dist/.complete"
rm -rf "$dist"
mv "$staging/dist" "$dist"
log info "Apache Kafka $version: $(ls "$dist/libs" | wc -l) jars in $((SECONDS - started)) s"
echo "$dist/libs"
