#!/usr/bin/env bash
# Entrypoint with the official Flink 1.20 image's contract:
#   jobmanager [ARGS]   a session cluster's JobManager (StandaloneSessionClusterEntrypoint), REST on 8081
#   taskmanager [ARGS]  a TaskManager (TaskManagerRunner)
#   help                usage; anything else runs as a command (e.g. bin/kubernetes-jobmanager.sh in
#                       native Kubernetes mode)
# Before starting, conf/config.yaml is rewritten with jobmanager.rpc.address (JOB_MANAGER_RPC_ADDRESS,
# default: this host's name), blob.server.port 6124, query.server.port 6125,
# TASK_MANAGER_NUMBER_OF_TASK_SLOTS, and FLINK_PROPERTIES: newline-separated `key: value` lines whose
# whitespace is removed and whose values go through envsubst, as in the official image. ARGS
# (`-Dkey=value`) reach both the memory sizing and the process. JVM sizes come from
# jobmanager.memory.* / taskmanager.memory.* as Flink's own scripts compute them. Started as root, the
# processes run as user flink (9999). DISABLE_JEMALLOC=true turns off the jemalloc allocator.
set -euo pipefail
export FLINK_HOME=${FLINK_HOME:-/opt/flink}
source "$FLINK_HOME/bin/flink-common.sh"

if [ "$(id -u)" = 0 ] && [ "${1:-help}" != help ]; then
  exec gosu flink "$0" "$@"
fi

if [ "${1:-help}" = help ]; then
  echo "Usage: $(basename "$0") (jobmanager|taskmanager) [-Dkey=value ...]"
  echo "    Or $(basename "$0") help"
  exit 0
fi

prepare_configuration() {
  local settings=(
    "-Djobmanager.rpc.address=${JOB_MANAGER_RPC_ADDRESS:-$(hostname -f)}"
    -Dblob.server.port=6124
    -Dquery.server.port=6125
  )
  if [ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]; then
    settings+=("-Dtaskmanager.numberOfTaskSlots=$TASK_MANAGER_NUMBER_OF_TASK_SLOTS")
  fi
  local line key value
  while IFS= read -r line; do
    line=$(tr -d '[:space:]' <<<"$line")
    [ -n "$line" ] || continue
    if [[ $line != *:* ]]; then
      echo "FLINK_PROPERTIES: line '$line' is not of the form 'key: value'" >&2
      exit 1
    fi
    key=${line%%:*}
    value=$(envsubst <<<"${line#*:}")
    settings+=("-D$key=$value")
  done <<<"${FLINK_PROPERTIES:-}"
  local config
  config=$(bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION "${settings[@]}")
  echo "$config" >"$FLINK_CONF_DIR/config.yaml"
}

case "$1" in
  jobmanager)
    prepare_configuration
    PROCESS_ARGS=(--configDir "$FLINK_CONF_DIR" --executionMode cluster)
    run_process jobmanager GET_JM_RESOURCE_PARAMS org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
      standalonesession "${@:2}"
    ;;
  taskmanager)
    prepare_configuration
    PROCESS_ARGS=(--configDir "$FLINK_CONF_DIR")
    run_process taskmanager GET_TM_RESOURCE_PARAMS org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
      taskexecutor "${@:2}"
    ;;
  *)
    # In native Kubernetes mode Flink mounts its whole configuration read-only and starts
    # bin/kubernetes-*.sh through here: nothing to write then.
    if [ -w "$FLINK_CONF_DIR/config.yaml" ]; then prepare_configuration; fi
    exec "$@"
    ;;
esac
