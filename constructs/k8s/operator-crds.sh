#!/usr/bin/env bash
# Fetches the CRDs of the Flink Kubernetes Operator at versions.json's "flinkKubernetesOperator" from
# the operator's API jar on Maven Central (org.apache.flink:flink-kubernetes-operator-api, generated
# into META-INF/fabric8/*-v1.yml: the same files the operator's Helm chart installs) and prints the
# directory holding them. Used by the tests that validate the stacks' Flink custom resources.
#
#   constructs/k8s/operator-crds.sh [DIR]
#
# DIR defaults to ${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}/flink-operator-crds-<version>.
# Idempotent: a finished directory is printed without touching Maven; concurrent runs are serialized.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
versions="$here/../../versions.json"

log() { printf '{"time":"%s","level":"%s","component":"operator-crds","msg":"%s"}\n' "$(date -u +%FT%TZ)" "$1" "$2" >&2; }
fail() { log error "$1"; exit 1; }

command -v node >/dev/null || fail "node is required to read versions.json"
version="$(node -e 'const v = require(process.argv[1]).flinkKubernetesOperator; if (!v) process.exit(1); console.log(v)' "$versions")" \
  || fail "versions.json has no \"flinkKubernetesOperator\" key"
dir="${1:-${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}/flink-operator-crds-$version}"
artifact="org.apache.flink:flink-kubernetes-operator-api:$version:jar"

is_complete() { [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$artifact" ]]; }
if is_complete; then echo "$dir"; exit 0; fi

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock -w 600 9 || fail "timed out after 600 s waiting for another operator-crds.sh writing $dir"
if is_complete; then echo "$dir"; exit 0; fi

command -v mvn >/dev/null || fail "mvn (Maven) is required to fetch $artifact"
staging="$(mktemp -d "$dir.tmp.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
log info "fetching $artifact"
# Run outside any project so that Maven resolves just this one artifact.
(cd "$staging" && mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$staging/jar" -Dtransitive=false) >&2 \
  || fail "Maven could not fetch $artifact"
jar="$staging/jar/flink-kubernetes-operator-api-$version.jar"
mkdir -p "$staging/crds"
if command -v unzip >/dev/null; then
  unzip -q -j -o "$jar" 'META-INF/fabric8/*-v1.yml' -d "$staging/crds"
else
  (cd "$staging" && jar xf "$jar" META-INF/fabric8) && mv "$staging"/META-INF/fabric8/*-v1.yml "$staging/crds/"
fi
for kind in flinkdeployments flinksessionjobs; do
  [[ -f "$staging/crds/$kind.flink.apache.org-v1.yml" ]] || fail "$artifact has no META-INF/fabric8/$kind.flink.apache.org-v1.yml"
done
rm -rf "$dir"
mv "$staging/crds" "$dir"
echo "$artifact" > "$dir/.complete"
log info "CRDs of operator $version in $dir"
echo "$dir"
