# shellcheck shell=bash
# Sourced by /docker-entrypoint.sh and bin/flink: configuration look-ups and the JVM options Flink's
# own launcher scripts derive from conf/config.yaml.
FLINK_CONF_DIR=${FLINK_CONF_DIR:-$FLINK_HOME/conf}
export FLINK_CONF_DIR

# config_value KEY: the value of a dotted key in config.yaml, written nested or flattened.
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
    END { if (found != "") print found }' "$FLINK_CONF_DIR/config.yaml"
}

# java_opts ROLE: env.java.opts.all followed by env.java.opts.ROLE (jobmanager, taskmanager, client).
java_opts() {
  echo "$(config_value env.java.opts.all) $(config_value "env.java.opts.$1")"
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
