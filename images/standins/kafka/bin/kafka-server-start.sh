#!/usr/bin/env bash
# kafka-server-start.sh CONFIG: the broker/controller, with the defaults of Kafka's own script
# (1 GiB heap, broker logging config) unless KAFKA_HEAP_OPTS / KAFKA_LOG4J_OPTS say otherwise.
set -eu
base_dir=$(cd "$(dirname "$0")/.." && pwd)
: "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j.configuration=file:$base_dir/config/log4j.properties}"
export KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS
exec "$base_dir/bin/kafka-run-class.sh" kafka.Kafka "$@"
