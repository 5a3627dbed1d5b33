#!/usr/bin/env bash
# Flink's native-Kubernetes JobManager launcher, as the flink-dist script of the same name is called by
# the pods Flink (and so the Flink Kubernetes Operator) creates:
#   kubernetes-jobmanager.sh kubernetes-session|kubernetes-application [-Dkey=value ...]
# The entrypoint reads its configuration from FLINK_CONF_DIR (the mounted ConfigMap) and takes only
# dynamic properties.
set -euo pipefail
FLINK_HOME=${FLINK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
source "$FLINK_HOME/bin/flink-common.sh"
case "${1:-}" in
  kubernetes-session) class=org.apache.flink.kubernetes.entrypoint.KubernetesSessionClusterEntrypoint ;;
  kubernetes-application) class=org.apache.flink.kubernetes.entrypoint.KubernetesApplicationClusterEntrypoint ;;
  *) echo "Usage: $(basename "$0") kubernetes-session|kubernetes-application [-Dkey=value ...]" >&2; exit 1 ;;
esac
PROCESS_ARGS=()
run_process jobmanager GET_JM_RESOURCE_PARAMS "$class" "$1" "${@:2}"
