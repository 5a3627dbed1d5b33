#!/usr/bin/env bash
# Flink's native-Kubernetes TaskManager launcher, as the flink-dist script of the same name is called by
# the TaskManager pods Flink creates: kubernetes-taskmanager.sh [-Dkey=value ...]
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
source "$FLINK_HOME/bin/flink-common.sh"
PROCESS_ARGS=(--configDir "$FLINK_CONF_DIR")
run_process taskmanager GET_TM_RESOURCE_PARAMS org.apache.flink.kubernetes.taskmanager.KubernetesTaskExecutorRunner \
  kubernetes-taskmanager "$@"
