#!/usr/bin/env bash
# Flink's SQL client (org.apache.flink.table.client.SqlClient) as the official image's bin/sql-client.sh
# starts it: lib/ plus, from opt/, flink-python (the client parses its Python options with it), the
# gateway it embeds and the client jar, which it also ships with its jobs (--jar). Configured by
# conf/config.yaml, logging to a file so the terminal shows the session only; JVM_ARGS adds JVM options.
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
source "$FLINK_HOME/bin/flink-common.sh"
opt_jar() {
  local jar
  jar=$(find "$FLINK_HOME/opt" -maxdepth 1 -name "$1-*.jar" | head -n 1)
  if [ -z "$jar" ]; then
    echo "[ERROR] no $1 jar in $FLINK_HOME/opt" >&2
    exit 1
  fi
  echo "$jar"
}
python_jar=$(opt_jar flink-python)
gateway_jar=$(opt_jar flink-sql-gateway)
client_jar=$(opt_jar flink-sql-client)
# The options hold several words each.
# shellcheck disable=SC2046,SC2086
exec java $(java_opts client) ${JVM_ARGS:-} \
  -Dlog.file="${FLINK_LOG_DIR:-$FLINK_HOME/log}/flink-$(id -un)-sql-client-$(hostname).log" \
  -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-cli.properties" \
  -classpath "$FLINK_HOME/lib/*:$python_jar:$gateway_jar:$client_jar" org.apache.flink.table.client.SqlClient "$@" --jar "$client_jar"
