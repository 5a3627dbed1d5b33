#!/usr/bin/env bash
# Builds the stand-ins for the third-party images the stacks use (apache/kafka, postgres, flink,
# node) without a container registry: Debian packages from the Debian mirror and Kafka/Flink jars
# from Maven Central, recipes in images/standins/<name>/. Starts the engine and builds the base
# images first when needed. Prints one `images.<key>=<image>` line per stand-in on stdout, whether
# built now or before; progress goes to stderr. An image is rebuilt only when its inputs (recipe
# files, jars, versions, base image) changed: their fingerprint is kept as an image label.
#
#   scripts/offline/standin-images.sh           build what is missing or stale, print the names
#   scripts/offline/standin-images.sh --names   print the names only (nothing is built or checked)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../images/standins/lib.sh"

{ read -r JAVA; read -r SUITE; read -r PG_MAJOR; read -r PG_SUITE; read -r FLINK; read -r KAFKA; read -r FLINK_KUBERNETES; } \
  < <(version java debianSuite postgres postgresStandinDebianSuite flink kafka flinkKubernetesStandin)
[ -n "$KAFKA" ] || fail "could not read the versions from versions.json"
declare -A IMAGES=(
  [kafka]="leaderboard-standin/kafka:$KAFKA"
  [postgres]="leaderboard-standin/postgres:$PG_MAJOR-$PG_SUITE"
  [flinkBase]="leaderboard-standin/flink:$FLINK-java$JAVA"
  [node]="leaderboard-standin/node:$SUITE"
)

case "${1:-}" in
  --names)
    for key in kafka postgres flinkBase node; do echo "images.$key=${IMAGES[$key]}"; done
    exit 0 ;;
  '') ;;
  *) fail "unknown argument '$1'; the only option is --names" ;;
esac

"$here/docker-engine.sh"
"$here/base-image.sh" "$SUITE"
"$here/base-image.sh" "$PG_SUITE"

# flink_jars: Flink's module jars for /opt/flink/lib and /opt/flink/opt (the directory holding both),
# resolved once per version and pom.
flink_jars() {
  local dir="$CACHE_ROOT/flink-standin-lib-$FLINK" stamp staging
  stamp=$( { echo "flink $FLINK"; cat "$STANDINS_DIR/flink/pom.xml"; } | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$stamp" ]; then
    progress "resolving Flink $FLINK module jars from Maven Central"
    staging=$(mktemp -d "$dir.tmp.XXXXXX")
    cp "$STANDINS_DIR/flink/pom.xml" "$staging/pom.xml"
    if ! nice mvn -B -q -f "$staging/pom.xml" package -Dflink.version="$FLINK" -Dflink.kubernetes.version="$FLINK_KUBERNETES" -Dflink.lib="$staging/lib" -Dflink.opt="$staging/opt" \
        >"$staging/maven.log" 2>&1; then
      tail -n 40 "$staging/maven.log" >&2
      fail "Maven could not resolve the Flink $FLINK jars of images/standins/flink/pom.xml; log in $staging/maven.log"
    fi
    echo "$stamp" >"$staging/.complete"
    rm -rf "$dir"
    mv "$staging" "$dir"
    progress "Flink $FLINK: $(ls "$dir/lib" | wc -l) jars in lib, $(ls "$dir/opt" | wc -l) in opt"
  fi
  echo "$dir"
}

kafka_libs=$("$here/kafka-dist.sh")
context=$(stage_context kafka)
add_jars "$kafka_libs" "$context/libs"
build_image kafka "${IMAGES[kafka]}" "$context" "leaderboard-standin/debian:$SUITE" \
  --build-arg "JAVA_VERSION=$JAVA"

context=$(stage_context postgres)
build_image postgres "${IMAGES[postgres]}" "$context" "leaderboard-standin/debian:$PG_SUITE" \
  --build-arg "PG_MAJOR=$PG_MAJOR"

jars=$(flink_jars)
context=$(stage_context flink)
rm "$context/pom.xml"
add_jars "$jars/lib" "$context/lib"
add_jars "$jars/opt" "$context/opt"
build_image flinkBase "${IMAGES[flinkBase]}" "$context" "leaderboard-standin/debian:$SUITE" \
  --build-arg "JAVA_VERSION=$JAVA"

context=$(stage_context node)
build_image node "${IMAGES[node]}" "$context" "leaderboard-standin/debian:$SUITE"
