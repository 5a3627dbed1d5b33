#!/usr/bin/env bash
# Makes a Docker engine answer on this machine without a container registry: installs Debian's
# docker.io (and debootstrap, for the offline base image) when missing and starts dockerd in the
# background when no engine answers. Idempotent; silent when the engine is already up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"

STATE_DIR="$CACHE_ROOT/docker-engine"
START_TIMEOUT_S=${DOCKERD_START_TIMEOUT_S:-60}

engine_answers() { /usr/bin/docker info >/dev/null 2>&1; }

apt_install docker.io debootstrap jq

PID_FILE=/var/run/docker.pid
CONTAINERD_PID_FILE=/var/run/docker/containerd/containerd.pid

# live_pid FILE NAME: the pid in FILE when it is a live (not zombie) process called NAME.
live_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = "$2" ] && ! ps -o stat= -p "$pid" | grep -q '^Z' && echo "$pid"
}

# wait_for_engine PID: true once docker info answers; false when PID exits first; fails after
# START_TIMEOUT_S.
wait_for_engine() {
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until engine_answers; do
    kill -0 "$1" 2>/dev/null || return 1
    if [ $SECONDS -ge $deadline ]; then
      tail -n 30 "$STATE_DIR/dockerd.log" >&2
      fail "docker info did not answer within ${START_TIMEOUT_S}s of starting dockerd (pid $1); see $STATE_DIR/dockerd.log"
    fi
    sleep 1
  done
}

# runtime_flags: on a host whose capability bounding set lacks capabilities the kernel has, privileged
# containers fail; the engine started here then runs every container through bounded-runc, which
# leaves out what the host cannot grant (and changes nothing else). Copied out of the checkout, which
# may move while the engine runs.
runtime_flags() {
  local last bounding
  last=$(cat /proc/sys/kernel/cap_last_cap)
  bounding=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
  (( bounding == (1 << (last + 1)) - 1 )) && return 0
  install -m 0755 "$(dirname "${BASH_SOURCE[0]}")/bounded-runc" "$STATE_DIR/bounded-runc"
  echo "--add-runtime=bounded-runc=$STATE_DIR/bounded-runc --default-runtime=bounded-runc"
}

# start_dockerd: a new dockerd in the background, after removing pid files that name no live
# process (left by a killed engine, they would stop it or make it wait for a dead containerd).
start_dockerd() {
  live_pid "$PID_FILE" dockerd >/dev/null || rm -f "$PID_FILE"
  live_pid "$CONTAINERD_PID_FILE" containerd >/dev/null || rm -f "$CONTAINERD_PID_FILE"
  progress "starting dockerd (log: $STATE_DIR/dockerd.log)"
  # setsid: the engine outlives this script and the shell that ran it.
  # shellcheck disable=SC2046
  setsid dockerd $(runtime_flags) >>"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  pid=$!
}

if ! engine_answers; then
  mkdir -p "$STATE_DIR"
  if pid=$(live_pid "$PID_FILE" dockerd); then
    progress "waiting for the running dockerd (pid $pid) to answer"
  else
    start_dockerd
  fi
  # A second try covers an engine that was killed moments ago: its processes may still be exiting.
  if ! wait_for_engine "$pid"; then
    progress "dockerd exited during start-up; retrying once"
    sleep 3
    start_dockerd
    if ! wait_for_engine "$pid"; then
      tail -n 30 "$STATE_DIR/dockerd.log" >&2
      fail "dockerd exited during start-up; its log is above and in $STATE_DIR/dockerd.log"
    fi
  fi
  progress "dockerd answers (server $(/usr/bin/docker version -f '{{.Server.Version}}'))"
fi

# The first docker on PATH may be a newer client than Debian's engine; it has to negotiate the
# engine's API version down, or every later docker call (and the stacks' tests) fails.
path_client=$(command -v docker)
if [ "$path_client" != /usr/bin/docker ] && ! docker version >/dev/null 2>&1; then
  fail "$path_client cannot talk to the engine (API $(/usr/bin/docker version -f '{{.Server.APIVersion}}')); put /usr/bin in front of it on PATH or set DOCKER_API_VERSION"
fi
