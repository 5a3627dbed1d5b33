#!/usr/bin/env bash
# Makes a Docker engine answer on this machine without a container registry: installs Debian's
# docker.io (and debootstrap, for the offline base image) when missing and starts dockerd in the
# background when no engine answers. Idempotent; silent when the engine is already up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"

STATE_DIR="$CACHE_ROOT/docker-engine"
START_TIMEOUT_S=${DOCKERD_START_TIMEOUT_S:-60}

engine_answers() { /usr/bin/docker info >/dev/null 2>&1; }

apt_install docker.io debootstrap

if ! engine_answers; then
  mkdir -p "$STATE_DIR"
  progress "starting dockerd (log: $STATE_DIR/dockerd.log)"
  # setsid: the engine outlives this script and the shell that ran it.
  setsid dockerd >>"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  deadline=$((SECONDS + START_TIMEOUT_S))
  until engine_answers; do
    if ! kill -0 $! 2>/dev/null; then
      tail -n 30 "$STATE_DIR/dockerd.log" >&2
      fail "dockerd exited during start-up; its log is above and in $STATE_DIR/dockerd.log"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$STATE_DIR/dockerd.log" >&2
      fail "docker info did not answer within ${START_TIMEOUT_S}s of starting dockerd; see $STATE_DIR/dockerd.log"
    fi
    sleep 1
  done
  progress "dockerd answers (server $(/usr/bin/docker version -f '{{.Server.Version}}'))"
fi

# The first docker on PATH may be a newer client than Debian's engine; it has to negotiate the
# engine's API version down, or every later docker call (and the stacks' tests) fails.
path_client=$(command -v docker)
if [ "$path_client" != /usr/bin/docker ] && ! docker version >/dev/null 2>&1; then
  fail "$path_client cannot talk to the engine (API $(/usr/bin/docker version -f '{{.Server.APIVersion}}')); put /usr/bin in front of it on PATH or set DOCKER_API_VERSION"
fi
