#!/usr/bin/env bash
# Builds what flink-sql ships and tests with, from Maven Central (or ~/.m2) at versions.json's versions:
#   build/flink/runner/leaderboard-sql-runner.jar   the SQL runner (and Docker submitter)
#   build/flink/lib/*.jar                          Flink's own module jars (a flink-dist stand-in, for the
#                                                  host session cluster and the validate mode)
#   build/flink/connectors/*.jar                   what the project image adds to /opt/flink/lib
# Idempotent: each part is rebuilt only when its inputs (poms, sources, versions.json) changed.
# Prints the build/flink directory on stdout; progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/build/flink"
mkdir -p "$out"

stamp_of() { cat "$root/versions.json" "$@" | sha256sum | cut -d' ' -f1; }

build_jar_set() { # name pom
  local name="$1" pom="$2" stamp
  stamp="$(stamp_of "$pom")"
  if [[ -f "$out/$name.stamp" && "$(cat "$out/$name.stamp")" == "$stamp" ]]; then return; fi
  echo "{\"msg\":\"collecting jars\",\"set\":\"$name\"}" >&2
  rm -rf "$out/$name"
  nice "$here/mvn.sh" "$pom" package -Djars.output="$out/$name" >&2
  echo "$stamp" > "$out/$name.stamp"
}

build_jar_set lib "$here/distribution/lib/pom.xml"
build_jar_set connectors "$here/distribution/connectors/pom.xml"

runner_stamp="$(stamp_of "$here/runner/pom.xml" $(find "$here/runner/src" -type f | sort))"
if [[ ! -f "$out/runner.stamp" || "$(cat "$out/runner.stamp")" != "$runner_stamp" ]]; then
  echo '{"msg":"building the SQL runner"}' >&2
  nice "$here/mvn.sh" "$here/runner/pom.xml" package >&2
  mkdir -p "$out/runner"
  cp "$here/runner/target/leaderboard-sql-runner.jar" "$out/runner/"
  echo "$runner_stamp" > "$out/runner.stamp"
fi
echo "$out"
