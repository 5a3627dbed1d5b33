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
#   scripts/offline/flink-operator.sh --source the checked source archive only: source=<path>
#
# The archive, the first of: FLINK_OPERATOR_SOURCE_ARCHIVE; shared/vendor/flink-kubernetes-operator/
# flink-kubernetes-operator-<version>-src.tar.gz beside the repository, or beside the local repository
# a clone was made from (a CI clone elsewhere finds the vendored sources of its origin); a copy
# downloaded earlier into the cache; a download from FLINK_OPERATOR_SOURCE_URL (any mirror serving
# that archive). Whichever it is, its sha256 must be versions.json's or it is refused. Without any,
# the script exits with status 3 and one line saying how to provide one; with a registry reachable the
# official operator image and chart need none of this (scripts/lib/setup.sh).
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

ARCHIVE_NAME="flink-kubernetes-operator-$VERSION-src.tar.gz"
DOWNLOADED="$CACHE_ROOT/downloads/$ARCHIVE_NAME"

# check_archive FILE [SOURCE]: refuses an archive whose checksum is not the pinned one; a download
# (SOURCE names where it came from) is deleted then, so it is never found again.
check_archive() {
  local actual
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$actual" = "$SHA256" ] && return 0
  [ -z "${2:-}" ] || rm -f "$1"
  fail "refused ${2:-$1}: its sha256 is $actual, versions.json pins flinkKubernetesOperatorSourceSha256=$SHA256"
}

# find_archive: the path of a checked source archive, downloading it when only a URL is given;
# exits with status 3 and one line when there is none.
find_archive() {
  local origin candidate candidates=()
  if [ -n "${FLINK_OPERATOR_SOURCE_ARCHIVE:-}" ]; then
    [ -f "$FLINK_OPERATOR_SOURCE_ARCHIVE" ] || fail "FLINK_OPERATOR_SOURCE_ARCHIVE=$FLINK_OPERATOR_SOURCE_ARCHIVE: no such file"
    check_archive "$FLINK_OPERATOR_SOURCE_ARCHIVE"
    echo "$FLINK_OPERATOR_SOURCE_ARCHIVE"
    return
  fi
  candidates+=("$REPO_ROOT/../$VENDORED")
  origin=$(git -C "$REPO_ROOT" remote get-url origin 2>/dev/null || true)
  origin=${origin#file://}
  [ -d "$origin" ] && candidates+=("$origin/../$VENDORED")
  candidates+=("$DOWNLOADED")
  for candidate in "${candidates[@]}"; do
    [ -f "$candidate" ] || continue
    check_archive "$candidate"
    echo "$candidate"
    return
  done
  if [ -n "${FLINK_OPERATOR_SOURCE_URL:-}" ]; then
    progress "downloading $FLINK_OPERATOR_SOURCE_URL"
    mkdir -p "$(dirname "$DOWNLOADED")"
    curl -fsSL --retry 2 --max-time 600 -o "$DOWNLOADED.part" "$FLINK_OPERATOR_SOURCE_URL" ||
      { rm -f "$DOWNLOADED.part"; fail "cannot download FLINK_OPERATOR_SOURCE_URL=$FLINK_OPERATOR_SOURCE_URL"; }
    check_archive "$DOWNLOADED.part" "$FLINK_OPERATOR_SOURCE_URL"
    mv "$DOWNLOADED.part" "$DOWNLOADED"
    echo "$DOWNLOADED"
    return
  fi
  fail "no Flink Kubernetes Operator $VERSION source: set FLINK_OPERATOR_SOURCE_ARCHIVE to $ARCHIVE_NAME (sha256 $SHA256) or FLINK_OPERATOR_SOURCE_URL to where it is served; where ghcr.io and archive.apache.org answer, the official image and chart are used instead" 3
}
DIR="$CACHE_ROOT/flink-operator-$VERSION-${SHA256:0:12}"
SRC="$DIR/src"
TARGET="$SRC/flink-kubernetes-operator/target"
CRDS="$SRC/flink-kubernetes-operator-api/target/classes/META-INF/fabric8"

mode=${1:-all}
case "$mode" in
  --crds|--source|all) ;;
  *) fail "unknown argument '$1'; options: --crds, --source" ;;
esac

mkdir -p "$CACHE_ROOT"
exec 9>"$DIR.lock"
flock -w 1800 9 || fail "timed out after 1800 s waiting for another flink-operator.sh on $DIR"

# The stamp names what was built from what, so a changed archive or version never reuses a build.
stamp="flink-kubernetes-operator $VERSION $SHA256"
if [ "$mode" = --source ]; then
  archive=$(find_archive)
  echo "source=$archive"
  exit 0
fi
if [ "$(cat "$DIR/.built" 2>/dev/null)" != "$stamp" ]; then
  ARCHIVE=$(find_archive)
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

if [ "$mode" = --crds ]; then
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
