#!/usr/bin/env bash
# Builds the Flink Kubernetes Operator at versions.json's "flinkKubernetesOperator" from its upstream
# source release, for machines without a container registry or the Apache download site: checks the
# archive against "flinkKubernetesOperatorSourceSha256", unpacks it into the cache, builds the
# operator's shaded jar with Maven (which also generates its CRDs), builds the stand-in image
# leaderboard-standin/flink-kubernetes-operator:<version> (recipe images/standins/flink-operator/) on
# the offline Debian base image, and points at the Helm chart inside the unpacked release.
# Progress goes to stderr; stdout is the configuration to give the stacks:
#
#   images.flinkOperator=leaderboard-standin/flink-kubernetes-operator:<version>
#   kubernetes.operatorChart=<cache>/flink-operator-<version>-<sha>/src/helm/flink-kubernetes-operator
#
#   scripts/offline/flink-operator.sh          all of the above
#   scripts/offline/flink-operator.sh --crds   the Maven build only (no Docker); prints the directories
#                                              of the CRDs (*.flink.apache.org-v1.yml) the build
#                                              generated and of the copies the chart installs:
#                                              crds.generated=<dir>, crds.chart=<dir>
#
# The archive: FLINK_OPERATOR_SOURCE_ARCHIVE, else shared/vendor/flink-kubernetes-operator/
# flink-kubernetes-operator-<version>-src.tar.gz beside the repository, or beside the local repository
# a clone was made from (a CI clone elsewhere finds the vendored sources of its origin).
# Cached under ${LEADERBOARD_CACHE:-~/.cache/leaderboard-stack} by version and archive checksum; a
# second run builds nothing. Concurrent runs are serialized.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../images/standins/lib.sh"

{ read -r VERSION; read -r SHA256; read -r JAVA; read -r SUITE; } \
  < <(version flinkKubernetesOperator flinkKubernetesOperatorSourceSha256 java debianSuite)
[ -n "$SUITE" ] || fail "could not read the versions from versions.json"
IMAGE="leaderboard-standin/flink-kubernetes-operator:$VERSION"
VENDORED="shared/vendor/flink-kubernetes-operator/flink-kubernetes-operator-$VERSION-src.tar.gz"

# The first existing candidate; the first one when none exists (named in the error).
find_archive() {
  local origin candidates=()
  if [ -n "${FLINK_OPERATOR_SOURCE_ARCHIVE:-}" ]; then echo "$FLINK_OPERATOR_SOURCE_ARCHIVE"; return; fi
  candidates+=("$REPO_ROOT/../$VENDORED")
  origin=$(git -C "$REPO_ROOT" remote get-url origin 2>/dev/null || true)
  origin=${origin#file://}
  [ -d "$origin" ] && candidates+=("$origin/../$VENDORED")
  for candidate in "${candidates[@]}"; do
    [ -f "$candidate" ] && { echo "$candidate"; return; }
  done
  echo "${candidates[0]}"
}
ARCHIVE=$(find_archive)
DIR="$CACHE_ROOT/flink-operator-$VERSION-${SHA256:0:12}"
SRC="$DIR/src"
TARGET="$SRC/flink-kubernetes-operator/target"
CRDS="$SRC/flink-kubernetes-operator-api/target/classes/META-INF/fabric8"

case "${1:-}" in
  --crds) crds_only=true ;;
  '') crds_only=false ;;
  *) fail "unknown argument '$1'; the only option is --crds" ;;
esac

mkdir -p "$CACHE_ROOT"
exec 9>"$DIR.lock"
flock -w 1800 9 || fail "timed out after 1800 s waiting for another flink-operator.sh on $DIR"

# The stamp names what was built from what, so a changed archive or version never reuses a build.
stamp="flink-kubernetes-operator $VERSION $SHA256"
if [ "$(cat "$DIR/.built" 2>/dev/null)" != "$stamp" ]; then
  [ -f "$ARCHIVE" ] || fail "no operator source archive at $ARCHIVE (nor beside the repository this one was cloned from; set FLINK_OPERATOR_SOURCE_ARCHIVE)"
  actual=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
  [ "$actual" = "$SHA256" ] || fail "$ARCHIVE has sha256 $actual, versions.json pins $SHA256"
  command -v mvn >/dev/null || fail "Maven (mvn) and a JDK $JAVA are needed to build the operator"
  rm -rf "$DIR"
  mkdir -p "$SRC"
  progress "unpacking $(basename "$ARCHIVE")"
  tar -xzf "$ARCHIVE" -C "$SRC" --strip-components=1
  progress "building the operator $VERSION with Maven (a few minutes; longer when Maven Central downloads are not cached)"
  # The antrun step of the upstream build downloads a file from GitHub; nothing here needs it.
  # The ticker's sleep gets no stdout or stderr, so a caller reading them never waits for it.
  (while sleep 30 >/dev/null 2>&1 && kill -0 $$ 2>/dev/null; do progress "still building the operator with Maven"; done) >/dev/null &
  ticker=$!
  status=0
  (cd "$SRC" && nice mvn -B -q -Dstyle.color=never -pl flink-kubernetes-operator -am -DskipTests -Dmaven.antrun.skip=true package) \
    >"$DIR/maven.log" 2>&1 || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$DIR/maven.log" >&2
    fail "the Maven build of the operator failed (exit $status); full log in $DIR/maven.log"
  fi
  for file in "$TARGET/flink-kubernetes-operator-$VERSION-shaded.jar" \
      "$SRC/flink-kubernetes-standalone/target/flink-kubernetes-standalone-$VERSION.jar" \
      "$CRDS/flinkdeployments.flink.apache.org-v1.yml" "$CRDS/flinksessionjobs.flink.apache.org-v1.yml"; do
    [ -f "$file" ] || fail "the Maven build did not produce $file"
  done
  echo "$stamp" >"$DIR/.built"
  progress "built the operator $VERSION ($(du -m "$TARGET/flink-kubernetes-operator-$VERSION-shaded.jar" | cut -f1) MB shaded jar)"
fi

if [ "$crds_only" = true ]; then
  echo "crds.generated=$CRDS"
  echo "crds.chart=$SRC/helm/flink-kubernetes-operator/crds"
  exit 0
fi

"$here/docker-engine.sh"
"$here/base-image.sh" "$SUITE"

context=$(stage_context flink-operator)
mkdir -p "$context/jars"
add_jars "$TARGET/flink-kubernetes-operator-$VERSION-shaded.jar" "$context/jars/"
add_jars "$SRC/flink-kubernetes-standalone/target/flink-kubernetes-standalone-$VERSION.jar" "$context/jars/"
for dir in plugins log4j logback; do add_jars "$TARGET/$dir" "$context/$dir"; done
cp "$SRC/docker-entrypoint.sh" "$SRC/LICENSE" "$SRC/NOTICE" "$context/"
build_image flinkOperator "$IMAGE" "$context" "leaderboard-standin/debian:$SUITE" \
  --build-arg "JAVA_VERSION=$JAVA" --build-arg "OPERATOR_VERSION=$VERSION" --build-arg "OPERATOR_SOURCE_SHA256=$SHA256"
echo "kubernetes.operatorChart=$SRC/helm/flink-kubernetes-operator"
