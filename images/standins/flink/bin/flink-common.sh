# shellcheck shell=bash
# Sourced by /docker-entrypoint.sh, bin/flink and bin/kubernetes-*.sh: configuration look-ups, the JVM
# options Flink's own launcher scripts derive from conf/config.yaml, and the JVM start of a Flink process.
FLINK_CONF_DIR=${FLINK_CONF_DIR:-$FLINK_HOME/conf}
export FLINK_CONF_DIR

# config_file: conf/config.yaml, or as Flink 1.20 still reads it when that is absent (native
# Kubernetes mode mounts one), the legacy conf/flink-conf.yaml.
config_file() {
  if [ -f "$FLINK_CONF_DIR/config.yaml" ]; then echo "$FLINK_CONF_DIR/config.yaml"; else echo "$FLINK_CONF_DIR/flink-conf.yaml"; fi
}

# config_value KEY: the value of a dotted key in the configuration file, written nested or flattened.
config_value() {
  awk -v want="$1" '
    /^[[:space:]]*(#|$)/ { next }
    {
      match($0, /^ */); indent = RLENGTH; line = substr($0, indent + 1)
      colon = index(line, ": ")
      if (colon == 0 && line ~ /:$/) colon = length(line)
      if (colon == 0) next
      key = substr(line, 1, colon - 1); value = substr(line, colon + 1); sub(/^ +/, "", value)
      while (depth > 0 && indents[depth] >= indent) depth--
      path = depth > 0 ? paths[depth] "." key : key
      depth++; indents[depth] = indent; paths[depth] = path
      if (path == want && value != "") {
        if (value ~ /^'\''.*'\''$/ || value ~ /^".*"$/) value = substr(value, 2, length(value) - 2)
        found = value
      }
    }
    END { if (found != "") print found }' "$(config_file)"
}

# java_opts ROLE: as Flink's config.sh puts them together: env.java.default-opts.all (where Flink 1.19+
# and the Kubernetes operator keep the Java 17 module opens), env.java.opts.all, then the ROLE's
# (jobmanager, taskmanager, client) default and own options.
java_opts() {
  echo "$(config_value env.java.default-opts.all) $(config_value env.java.opts.all)" \
    "$(config_value "env.java.default-opts.$1") $(config_value "env.java.opts.$1")"
}

# bash_java_utils COMMAND [ARGS...]: the result lines of Flink's BashJavaUtils, the class Flink's
# scripts use to write the configuration and to size the JVM; its log goes to stderr on failure.
bash_java_utils() {
  local output
  if ! output=$(java -classpath "$FLINK_HOME/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
      "$1" --configDir "$FLINK_CONF_DIR" "${@:2}" 2>&1); then
    echo "$output" >&2
    echo "[ERROR] BashJavaUtils $1 failed" >&2
    return 1
  fi
  sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<<"$output"
}

enable_jemalloc() {
  local jemalloc
  jemalloc="/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2"
  if [ "${DISABLE_JEMALLOC:-false}" = false ] && [ -f "$jemalloc" ]; then
    export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$jemalloc"
  fi
}

# run_process ROLE MEMORY_COMMAND CLASS LOG_NAME [ARGS...]: the JVM of a JobManager or TaskManager,
# sized by BashJavaUtils (first result line: JVM options, second: the derived memory settings as
# -D options). PROCESS_ARGS (e.g. --configDir) go to the process only, before the -D options.
run_process() {
  local role=$1 memory_command=$2 class=$3 log_name=$4
  shift 4
  local params jvm_params dynamic_params
  params=$(bash_java_utils "$memory_command" "$@")
  jvm_params=$(sed -n 1p <<<"$params")
  dynamic_params=$(sed -n 2p <<<"$params")
  enable_jemalloc
  echo "Starting $role"
  # The option strings hold several words each, as in Flink's launcher scripts.
  # shellcheck disable=SC2086,SC2046
  exec java $jvm_params ${JVM_ARGS:-} $(java_opts "$role") \
    -Dlog.file="$FLINK_HOME/log/flink-$(id -un)-$log_name-0-$(hostname).log" \
    -Dlog4j.configuration="file:$FLINK_CONF_DIR/log4j-console.properties" \
    -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j-console.properties" \
    -classpath "$FLINK_HOME/lib/*" "$class" "${PROCESS_ARGS[@]}" $dynamic_params "$@"
}
