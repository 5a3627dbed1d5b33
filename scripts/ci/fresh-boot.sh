#!/usr/bin/env bash
# Runs CI (`bash .ci/run`) on a clean clone as a freshly booted machine would, beside whatever this
# machine already runs: in a network namespace of its own (own interfaces, iptables and sysctls, so
# its Docker engine makes its default bridge from scratch and touches nothing of the host's Docker),
# in a mount namespace where /run and /var/lib/docker are empty, with an empty HOME (so empty npm, Go,
# Maven and project caches). Nothing answers on the Docker socket there, so the set-up starts its own
# dockerd exactly as on a new machine. Debian packages already installed stay installed: a first
# run on a new machine is the only check of those.
#
#   bash scripts/ci/fresh-boot.sh [WORK_DIR]      default WORK_DIR: /var/tmp/leaderboard-fresh-boot
#
# Clones the current checkout's HEAD. Prints the log's path and, at the end, the wall time and exit
# status of `.ci/run`; its output, each line stamped with the elapsed seconds, is in WORK_DIR/ci.log.
# Everything it started (the namespace's processes, the veth pair, its NAT rules) is removed on exit;
# WORK_DIR stays for a look at the logs and is emptied by the next run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"

[ "$(id -u)" = 0 ] || fail "fresh-boot.sh needs root (network and mount namespaces, a veth pair)"
command -v ip >/dev/null || fail "fresh-boot.sh needs ip (Debian's iproute2)"
WORK=$(realpath -m "${1:-/var/tmp/leaderboard-fresh-boot}")
NETNS=leaderboard-fresh
HOST_IF=lbfresh-h
NS_IF=lbfresh-n
# A benchmark range (RFC 2544): no real network, nor Docker's or the cluster's pools, uses it.
HOST_ADDR=198.18.254.1
NS_ADDR=198.18.254.2
CHAIN=LEADERBOARD-FRESH
UPLINK=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
[ -n "$UPLINK" ] || fail "no default route: the namespace would reach no package registry"

teardown() {
  local pids
  # Containers run in namespaces of their own, out of reach of the kill below: removed through the
  # engine first, whose socket lies in the run directory bound over the namespace's /run.
  if [ -S "$WORK/run/docker.sock" ]; then
    DOCKER_HOST="unix://$WORK/run/docker.sock" timeout 120 bash -c 'docker ps -aq | xargs -r docker rm -f >/dev/null' 2>/dev/null || true
  fi
  pids=$(ip netns pids "$NETNS" 2>/dev/null || true)
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
    sleep 5
    pids=$(ip netns pids "$NETNS" 2>/dev/null || true)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  fi
  ip netns delete "$NETNS" 2>/dev/null || true
  ip link delete "$HOST_IF" 2>/dev/null || true
  for table in filter nat; do
    local parent=FORWARD
    [ "$table" = nat ] && parent=POSTROUTING
    while iptables -t "$table" -D "$parent" -j "$CHAIN" 2>/dev/null; do :; done
    iptables -t "$table" -F "$CHAIN" 2>/dev/null || true
    iptables -t "$table" -X "$CHAIN" 2>/dev/null || true
  done
}

teardown
trap teardown EXIT
rm -rf "$WORK"
mkdir -p "$WORK/home" "$WORK/docker" "$WORK/run"
chmod 755 "$WORK/run"
git clone -q "$REPO_ROOT" "$WORK/clone"
progress "clone of $(git -C "$WORK/clone" rev-parse --short HEAD) in $WORK/clone; log: $WORK/ci.log"

ip netns add "$NETNS"
ip link add "$HOST_IF" type veth peer name "$NS_IF"
ip link set "$NS_IF" netns "$NETNS"
ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
ip link set "$HOST_IF" up
ip netns exec "$NETNS" ip addr add "$NS_ADDR/30" dev "$NS_IF"
ip netns exec "$NETNS" ip link set "$NS_IF" up
ip netns exec "$NETNS" ip link set lo up
ip netns exec "$NETNS" ip route add default via "$HOST_ADDR"
# The namespace's traffic leaves through this host's uplink like the host's own; a Docker engine on
# the host may have set FORWARD's policy to DROP, so it is admitted explicitly, in a chain of ours.
sysctl -qw net.ipv4.ip_forward=1
iptables -t filter -N "$CHAIN"
iptables -t filter -A "$CHAIN" -i "$HOST_IF" -o "$UPLINK" -j ACCEPT
iptables -t filter -A "$CHAIN" -i "$UPLINK" -o "$HOST_IF" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -t filter -I FORWARD 1 -j "$CHAIN"
iptables -t nat -N "$CHAIN"
iptables -t nat -A "$CHAIN" -s "$NS_ADDR/32" -o "$UPLINK" -j MASQUERADE
iptables -t nat -I POSTROUTING 1 -j "$CHAIN"

# The machine's own settings in HOME (.npmrc, .gitconfig) come along; its caches do not.
for f in .npmrc .gitconfig; do [ ! -f "$HOME/$f" ] || cp "$HOME/$f" "$WORK/home/"; done

started=$SECONDS
status=0
# /run empty (no Docker or containerd socket, no pid files; an empty directory of WORK, from where
# the teardown reaches the engine), /var/lib/docker empty, HOME empty but for
# the settings above; no variable of this session that points at its engine, cluster or caches.
nsenter --net="/run/netns/$NETNS" unshare --mount --propagation private bash -c '
  set -e
  mount --bind "$1/run" /run
  mkdir -p /var/lib/docker
  mount --bind "$1/docker" /var/lib/docker
  cd "$1/clone"
  exec env -u DOCKER_HOST -u KUBECONFIG -u LEADERBOARD_CACHE -u LEADERBOARD_CONFIG -u TERRAFORM_BINARY_NAME \
    HOME="$1/home" TF_CLI_CONFIG_FILE="$1/home/.terraformrc" bash .ci/run
' fresh-boot "$WORK" 2>&1 | while IFS= read -r line; do printf '%6d %s\n' "$((SECONDS - started))" "$line"; done >"$WORK/ci.log" || status=$?
elapsed=$((SECONDS - started))
progress "bash .ci/run on a fresh boot: exit $status after $((elapsed / 60)) min $((elapsed % 60)) s (log: $WORK/ci.log)"
exit "$status"
