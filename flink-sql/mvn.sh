#!/usr/bin/env bash
# Runs Maven on one of flink-sql's poms with the versions from versions.json (the single source), e.g.
#   flink-sql/mvn.sh flink-sql/runner/pom.xml package
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
versions="$here/../versions.json"
pom="$1"; shift
read_version() { node -e 'const v=require(process.argv[1]); const x=v[process.argv[2]]; if(!x){console.error(`versions.json has no "${process.argv[2]}"`);process.exit(1)} console.log(x)' "$versions" "$1"; }
# Debian's Maven 3.8 writes colour resets even in batch mode; they would litter every log.
mvn -B -q -Dstyle.color=never -f "$pom" \
  -Dflink.version="$(read_version flink)" \
  -Dflink.connector.kafka.version="$(read_version flinkConnectorKafka)" \
  -Dflink.connector.jdbc.version="$(read_version flinkConnectorJdbc)" \
  -Dflink.avro.confluent.version="$(read_version flinkAvroConfluentRegistry)" \
  -Dpostgres.jdbc.version="$(read_version postgresJdbcDriver)" \
  -Dlog4j.version="$(read_version log4j)" \
  "$@" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2
