#!/usr/bin/env bash
# A single-node Kubernetes cluster for the Kubernetes stack and its tests, built without internet:
# the control plane, kubelet, kube-proxy and kubectl from the Go module proxy (Kubernetes' own
# commands, built from a wrapper module), etcd 3.5, CoreDNS and rancher's local-path-provisioner likewise,
# containerd, runc and the CNI plugins from Debian. Images reach the cluster by
# `docker save | ctr import`, as there is no registry.
#
#   scripts/offline/k8s-cluster.sh up            build what is missing, start, wait until Ready
#   scripts/offline/k8s-cluster.sh down          stop it and remove everything it made but the builds
#   scripts/offline/k8s-cluster.sh status        node and system pods; non-zero unless all are ready
#   scripts/offline/k8s-cluster.sh import IMAGE...   copy Docker images into the cluster's containerd
#   scripts/offline/k8s-cluster.sh kubeconfig    print the admin kubeconfig's path
#   scripts/offline/k8s-cluster.sh build         only build the binaries into the cache
#
# The cluster runs its own containerd (own socket, root and state): Docker's engine attaches to
# /run/containerd/containerd.sock when something answers there, so that socket is never used.
# State lives in $LEADERBOARD_K8S_STATE (default $LEADERBOARD_CACHE/k8s-cluster), builds in
# $LEADERBOARD_CACHE/k8s-build, so `down` keeps them. Progress goes to stderr as JSON lines; `up`
# prints LEADERBOARD_KUBECONFIG=<admin kubeconfig> and LEADERBOARD_KUBECTL=<kubectl> on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/go-build.sh"

versions=$(version kubernetes coredns localPathProvisioner debianSuite etcd)
{ read -r K8S_VERSION; read -r COREDNS_VERSION; read -r LPP_VERSION; read -r DEBIAN_SUITE; read -r ETCD_VERSION; } <<<"$versions"
BUILD_ROOT="$CACHE_ROOT/k8s-build"
K8S_BIN="$BUILD_ROOT/kubernetes/v$K8S_VERSION"
ETCD_BIN="$BUILD_ROOT/etcd/v$ETCD_VERSION/etcd"
K8S_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
STATE="${LEADERBOARD_K8S_STATE:-$CACHE_ROOT/k8s-cluster}"
PKI="$STATE/pki"
RUN="$STATE/run"
LOGS="$STATE/logs"
SOCKET="$STATE/containerd/containerd.sock"
KUBECONFIG_PATH="$STATE/admin.kubeconfig"
NODE_NAME=leaderboard-k8s
# Pods live on this bridge; its address is the node IP and the apiserver's, so pods reach the
# apiserver directly. The ranges stay clear of Docker's 172.16.0.0/12 networks.
BRIDGE=lbk8s0
CNI_NETWORK=leaderboard-k8s
POD_SUBNET=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
NODE_IP=10.244.0.1
SERVICE_CIDR=10.96.0.0/12
KUBERNETES_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380
APISERVER_PORT=6443
COREDNS_IMAGE="leaderboard-k8s/coredns:$COREDNS_VERSION"
LPP_IMAGE="leaderboard-k8s/local-path-provisioner:$LPP_VERSION"
# The provisioner's helper pods create and delete volume directories: they need sh, mkdir and rm,
# which the project's offline Debian base image has.
HELPER_IMAGE="leaderboard-standin/debian:$DEBIAN_SUITE"
DAEMONS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

build_kubernetes() {
  local cmd missing=false
  for cmd in "${K8S_COMMANDS[@]}"; do [ -x "$K8S_BIN/$cmd" ] || missing=true; done
  $missing || return 0
  local major=${K8S_VERSION%%.*} minor=${K8S_VERSION#*.}
  minor=${minor%%.*}
  # Without these the binaries report v0.0.0, and kubectl and the kubelet warn about version skew.
  local v=v$K8S_VERSION cv=k8s.io/component-base/version
  local ldflags="-X $cv.gitVersion=$v -X $cv.gitMajor=$major -X $cv.gitMinor=$minor -X $cv.gitTreeState=clean"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=$major"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  go_build "Kubernetes $v" "$K8S_BIN" k8s.io/kubernetes "$v" "v0.${K8S_VERSION#*.}" "$ldflags" \
    "${K8S_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}"
}

# etcd from the Go module proxy: Debian's 3.4.23 lacks the watch progress requests the apiserver
# needs for watch streams (clients such as Flink's get "RequestWatchProgress is not enabled").
build_etcd() {
  [ -x "$ETCD_BIN" ] && return 0
  local out
  out=$(dirname "$ETCD_BIN")
  go_build "etcd v$ETCD_VERSION" "$out" go.etcd.io/etcd/server/v3 "v$ETCD_VERSION" "" "" go.etcd.io/etcd/server/v3
  # The module's main package lies at its root, so go names the binary after its last path element.
  mv "$out/server" "$ETCD_BIN"
}

build_coredns() {
  [ -x "$BUILD_ROOT/coredns/v$COREDNS_VERSION/coredns" ] && return 0
  go_build "CoreDNS v$COREDNS_VERSION" "$BUILD_ROOT/coredns/v$COREDNS_VERSION" \
    github.com/coredns/coredns "v$COREDNS_VERSION" "" "" github.com/coredns/coredns
}

build_local_path_provisioner() {
  local out="$BUILD_ROOT/local-path-provisioner/v$LPP_VERSION"
  [ -x "$out/local-path-provisioner" ] && return 0
  go_build "local-path-provisioner v$LPP_VERSION" "$out" \
    github.com/rancher/local-path-provisioner "v$LPP_VERSION" "" "-X main.VERSION=v$LPP_VERSION" \
    github.com/rancher/local-path-provisioner
}

pause_tag() {
  local makefile
  makefile="$(go env GOMODCACHE)/k8s.io/kubernetes@v$K8S_VERSION/build/pause/Makefile"
  [ -f "$makefile" ] || go mod download "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  sed -n 's/^TAG ?= *//p' "$makefile"
}

# The pause binary from Kubernetes' own source, linked statically for an image FROM scratch.
build_pause() {
  local out="$BUILD_ROOT/pause/v$K8S_VERSION/pause"
  [ -x "$out" ] && return 0
  local src
  src="$(go env GOMODCACHE)/k8s.io/kubernetes@v$K8S_VERSION/build/pause/linux/pause.c"
  [ -f "$src" ] || go mod download "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  mkdir -p "$(dirname "$out")"
  gcc -Os -Wall -Werror -static -DVERSION="v$(pause_tag)" -o "$out.partial" "$src" || fail "compiling $src failed"
  strip "$out.partial"
  mv "$out.partial" "$out"
  progress "built pause $(pause_tag)"
}

# docker_image_from_binary IMAGE BINARY: an image FROM scratch holding BINARY as its entrypoint.
docker_image_from_binary() {
  local image=$1 binary=$2 context
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  context=$(mktemp -d "$BUILD_ROOT/image.XXXXXX")
  cp "$binary" "$context/"
  echo build.log >"$context/.dockerignore"
  printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT ["/%s"]\n' "${binary##*/}" "${binary##*/}" "${binary##*/}" >"$context/Dockerfile"
  docker build -q -t "$image" "$context" >"$context/build.log" 2>&1 \
    || { cat "$context/build.log" >&2; fail "docker build $image failed"; }
  rm -rf "$context"
  progress "built image $image"
}

build_images() {
  docker info >/dev/null 2>&1 || fail "the Docker engine does not answer; run scripts/offline/docker-engine.sh first"
  docker_image_from_binary "registry.k8s.io/pause:$(pause_tag)" "$BUILD_ROOT/pause/v$K8S_VERSION/pause"
  docker_image_from_binary "$COREDNS_IMAGE" "$BUILD_ROOT/coredns/v$COREDNS_VERSION/coredns"
  docker_image_from_binary "$LPP_IMAGE" "$BUILD_ROOT/local-path-provisioner/v$LPP_VERSION/local-path-provisioner"
  bash "$REPO_ROOT/scripts/offline/base-image.sh" "$DEBIAN_SUITE"
}

build_all() {
  command -v go >/dev/null || fail "go not found on PATH (builds Kubernetes, CoreDNS and the storage provisioner)"
  mkdir -p "$BUILD_ROOT"
  # Clusters with other state dirs share these builds: their callers wait for each other too.
  exec 8>"$BUILD_ROOT/.lock"
  flock 8
  rm -rf "$BUILD_ROOT"/work.* "$BUILD_ROOT"/image.*
  build_kubernetes
  build_etcd
  build_coredns
  build_local_path_provisioner
  build_pause
  exec 8>&-
}

kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }

# wait_for WHAT TIMEOUT_S DAEMON COMMAND...: polls COMMAND every second, with a progress line every
# 15 s. Fails at once, with the end of its log, when DAEMON (unless -) has exited (a busy port, say)
# rather than waiting out the timeout or taking an answer from someone else's server on that port.
wait_for() {
  local what=$1 timeout=$2 daemon=$3 started=$SECONDS next=15
  shift 3
  until "$@" >/dev/null 2>&1; do
    if [ "$daemon" != - ] && ! running "$daemon"; then
      tail -n 20 "$LOGS/$daemon.log" >&2
      fail "$daemon exited (log: $LOGS/$daemon.log)"
    fi
    if ((SECONDS - started >= timeout)); then
      fail "$what: not ready after ${timeout} s (logs: $LOGS)"
    fi
    if ((SECONDS - started >= next)); then
      progress "waiting for $what ($((SECONDS - started)) s of at most $timeout s)"
      next=$((next + 15))
    fi
    sleep 1
  done
}

# ---- processes ----------------------------------------------------------------------------------

# running NAME: true when NAME's pid file names a live process of the program this script started.
running() {
  local pid
  pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
  [ -r "/proc/$pid/cmdline" ] && [ "$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 1)" = "$(cat "$RUN/$1.cmd")" ]
}

# start NAME PROGRAM ARG...: starts PROGRAM in its own session with its output in $LOGS/NAME.log.
start() {
  local name=$1
  shift
  running "$name" && return 0
  mkdir -p "$RUN" "$LOGS"
  printf '%s' "$1" >"$RUN/$name.cmd"
  # Without the lock's descriptor: a daemon holding it would block every later call.
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 7>&- &
  echo $! >"$RUN/$name.pid"
  # Until setsid has exec'd the program, the pid shows another command line.
  local i
  for ((i = 0; i < 20; i++)); do
    running "$name" && break
    sleep 0.1
  done
  progress "started $name (pid $!, log $LOGS/$name.log)"
}

# stop NAME: SIGTERM, then SIGKILL after 5 s: the apiserver can take minutes to shut down
# gracefully, and down throws its state away anyway.
stop() {
  local name=$1 pid i
  if running "$name"; then
    pid=$(cat "$RUN/$name.pid")
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      running "$name" || break
      sleep 0.1
    done
    if running "$name"; then kill -9 "$pid" 2>/dev/null || true; sleep 0.5; fi
    progress "stopped $name (pid $pid)"
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.cmd"
}

# ---- certificates and kubeconfigs ---------------------------------------------------------------

# cert NAME CN ORG [SAN]: a key and a certificate signed by the cluster CA, made once.
cert() {
  local name=$1 cn=$2 org=$3 san=${4:-} subject
  [ -s "$PKI/$name.crt" ] && return 0
  subject="/CN=$cn"
  [ -n "$org" ] && subject="/O=$org$subject"
  local ext="$PKI/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null || fail "signing the $name certificate failed"
  rm -f "$PKI/$name.csr" "$ext"
}

# kubeconfig FILE USER: a kubeconfig with the certificates embedded, so it can be copied elsewhere.
kubeconfig() {
  local file=$1 user=$2
  [ -s "$file" ] && return 0
  cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: $NODE_NAME
  cluster:
    server: https://$NODE_IP:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")
contexts:
- name: $NODE_NAME
  context: {cluster: $NODE_NAME, user: $user}
current-context: $NODE_NAME
KUBECONFIG
  chmod 600 "$file"
}

write_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [ ! -s "$PKI/ca.crt" ]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=leaderboard-k8s-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null || fail "creating the cluster CA failed"
  fi
  cert apiserver kube-apiserver "" "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:$KUBERNETES_SERVICE_IP,IP:127.0.0.1,IP:$NODE_IP"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert admin kubernetes-admin system:masters
  cert kubelet "system:node:$NODE_NAME" system:nodes
  cert kubelet-serving "system:node:$NODE_NAME" system:nodes "DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1"
  cert kube-controller-manager system:kube-controller-manager ""
  cert kube-scheduler system:kube-scheduler ""
  cert kube-proxy system:kube-proxy ""
  if [ ! -s "$PKI/sa.key" ]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  local user
  for user in admin kubelet kube-controller-manager kube-scheduler kube-proxy; do
    kubeconfig "$STATE/$user.kubeconfig" "$user"
  done
}

# ---- configuration files ------------------------------------------------------------------------

write_configs() {
  mkdir -p "$STATE/containerd" "$STATE/cni/net.d" "$STATE/kubelet" "$STATE/pod-logs" "$STATE/local-path"
  cat >"$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$SOCKET"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$STATE/containerd/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:$(pause_tag)"
    stream_server_address = "127.0.0.1"
    # The sandbox lacks CAP_SYS_RESOURCE: without this every pod sandbox fails to start.
    restrict_oom_score_adj = true
    # Keeps the pods' network namespaces under the state dir, where down finds and removes them.
    netns_mounts_under_state_dir = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$STATE/cni/net.d"
      max_conf_num = 1
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
      Root = "$STATE/containerd/runc"
TOML
  # No ipMasq: pods only talk to each other and to the node (traffic may not leave the machine),
  # and without it the plugin adds no iptables rules of its own.
  cat >"$STATE/cni/net.d/10-$CNI_NETWORK.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$STATE/cni/ipam", "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "$NODE_IP"}]],
              "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "loopback"}
  ]
}
JSON
  cat >"$STATE/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
containerRuntimeEndpoint: unix://$SOCKET
# cgroup v1 without systemd here.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
podLogsDir: $STATE/pod-logs
volumePluginDir: $STATE/kubelet/volume-plugins
# Imported images cannot be pulled again, so they must never be garbage-collected; a small or
# busy disk must not evict the cluster's own pods either.
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
serializeImagePulls: false
YAML
}

# ---- network ------------------------------------------------------------------------------------

setup_network() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  # replace, not add: a bridge left by an interrupted run keeps its address, and add then fails.
  ip addr replace "$NODE_IP/${POD_SUBNET#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Services answer pods on the same bridge only when bridged traffic passes iptables.
  modprobe br_netfilter 2>/dev/null || true
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  # Docker's engine sets the FORWARD policy to DROP; pod-to-pod traffic through the bridge is let
  # through by a chain of our own, which down removes again.
  iptables -N LBK8S-FORWARD 2>/dev/null || true
  iptables -C LBK8S-FORWARD -i "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -A LBK8S-FORWARD -i "$BRIDGE" -j ACCEPT
  iptables -C LBK8S-FORWARD -o "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -A LBK8S-FORWARD -o "$BRIDGE" -j ACCEPT
  iptables -C FORWARD -j LBK8S-FORWARD 2>/dev/null || iptables -I FORWARD 1 -j LBK8S-FORWARD
}

# ---- add-ons ------------------------------------------------------------------------------------

coredns_manifest() {
  cat <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
# No forward plugin: names outside the cluster have no resolver to go to, as traffic may not leave
# the machine.
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        reload
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      # Lets CoreDNS bind port 53 as a non-root user: the image, built FROM scratch, has no file
      # capabilities to grant it.
      securityContext:
        runAsUser: 65532
        runAsNonRoot: true
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "53"}]
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: Never
        args: ["-conf", "/etc/coredns/Corefile"]
        volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
        ports: [{containerPort: 53, protocol: UDP, name: dns}, {containerPort: 53, protocol: TCP, name: dns-tcp}]
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        livenessProbe: {httpGet: {path: /health, port: 8080}, initialDelaySeconds: 30}
        readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
        resources: {requests: {cpu: 50m, memory: 40Mi}, limits: {memory: 170Mi}}
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_SERVICE_IP
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
YAML
}

# rancher's local-path-provisioner as its upstream manifest deploys it, with images imported here,
# volumes under the state dir and its StorageClass the default.
local_path_manifest() {
  cat <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: local-path-storage}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: local-path-provisioner-service-account, namespace: local-path-storage}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: local-path-provisioner-role, namespace: local-path-storage}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch, create, patch, update, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: local-path-provisioner-role}
rules:
- {apiGroups: [""], resources: [nodes, persistentvolumeclaims, configmaps, pods, pods/log], verbs: [get, list, watch]}
- {apiGroups: [""], resources: [persistentvolumes], verbs: [get, list, watch, create, patch, update, delete]}
- {apiGroups: [""], resources: [events], verbs: [create, patch]}
- {apiGroups: [storage.k8s.io], resources: [storageclasses], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: local-path-provisioner-bind, namespace: local-path-storage}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: local-path-provisioner-role}
subjects: [{kind: ServiceAccount, name: local-path-provisioner-service-account, namespace: local-path-storage}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: local-path-provisioner-bind}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: local-path-provisioner-role}
subjects: [{kind: ServiceAccount, name: local-path-provisioner-service-account, namespace: local-path-storage}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: local-path-provisioner, namespace: local-path-storage}
spec:
  replicas: 1
  selector: {matchLabels: {app: local-path-provisioner}}
  template:
    metadata: {labels: {app: local-path-provisioner}}
    spec:
      serviceAccountName: local-path-provisioner-service-account
      priorityClassName: system-node-critical
      containers:
      - name: local-path-provisioner
        image: $LPP_IMAGE
        imagePullPolicy: Never
        command: [/local-path-provisioner, start, --config, /etc/config/config.json]
        volumeMounts: [{name: config-volume, mountPath: /etc/config/}]
        env:
        - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
        - {name: CONFIG_MOUNT_PATH, value: /etc/config/}
      volumes: [{name: config-volume, configMap: {name: local-path-config}}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: ConfigMap
metadata: {name: local-path-config, namespace: local-path-storage}
data:
  config.json: |-
    {"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["$STATE/local-path"]}]}
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata:
      name: helper-pod
    spec:
      priorityClassName: system-node-critical
      tolerations:
      - {key: node.kubernetes.io/disk-pressure, operator: Exists, effect: NoSchedule}
      containers:
      - name: helper-pod
        image: $HELPER_IMAGE
        imagePullPolicy: Never
YAML
}

# ---- images -------------------------------------------------------------------------------------

ctr_k8s() { ctr -n k8s.io --address "$SOCKET" "$@"; }

# import_images IMAGE...: copies Docker images into the cluster's containerd, skipping those it
# already holds with the same image id (the CRI names every image by its id as well).
import_images() {
  local image id have
  have=$(ctr_k8s images ls -q) || fail "the cluster's containerd does not answer at $SOCKET (is the cluster up?)"
  for image in "$@"; do
    id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || fail "no Docker image $image"
    if grep -qxF "$id" <<<"$have" && grep -qxF "$(normalize_ref "$image")" <<<"$have"; then
      continue
    fi
    progress "importing $image into the cluster"
    docker save "$image" | ctr_k8s images import - >/dev/null || fail "importing $image failed"
  done
}

# The name containerd stores for a Docker reference: docker.io/library/ and :latest made explicit.
normalize_ref() {
  local ref=$1 name tag=""
  name=${ref%@*}
  [[ ${name##*/} == *:* ]] && tag=${name##*:} && name=${name%:*}
  [[ $name == */* ]] || name="library/$name"
  [[ ${name%%/*} == *.* || ${name%%/*} == *:* || ${name%%/*} == localhost ]] || name="docker.io/$name"
  echo "$name:${tag:-latest}"
}

# ---- up -----------------------------------------------------------------------------------------

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

deployment_ready() {
  local available
  available=$(kubectl -n "$1" get deployment "$2" -o 'jsonpath={.status.availableReplicas}') && [ "${available:-0}" -ge 1 ]
}

cluster_ready() {
  local daemon
  for daemon in "${DAEMONS[@]}"; do running "$daemon" || return 1; done
  kubectl get --raw /readyz >/dev/null 2>&1 && node_ready 2>/dev/null &&
    deployment_ready kube-system coredns 2>/dev/null && deployment_ready local-path-storage local-path-provisioner 2>/dev/null
}

print_env() {
  echo "LEADERBOARD_KUBECONFIG=$KUBECONFIG_PATH"
  echo "LEADERBOARD_KUBECTL=$K8S_BIN/kubectl"
}

# port_free ADDRESS PORT: fails the script when another program listens there: etcd would exit and
# the checks that follow could take that program's answers for its.
port_free() {
  # awk reads all of ss's output: grep -q could exit first, and pipefail would count ss's SIGPIPE.
  if ss -Hltn "sport = :$2" | awk -v a="$1" -v p="$2" '$4 == "*:" p || $4 == "0.0.0.0:" p || $4 == "[::]:" p || $4 == a ":" p {f = 1} END {exit !f}'; then
    fail "port $2 on $1 is in use by another program: $(ss -Hltnp "sport = :$2" | awk '{print $6}' | head -n 1)"
  fi
}

start_control_plane() {
  if ! running etcd; then
    port_free 127.0.0.1 "$ETCD_CLIENT_PORT"
    port_free 127.0.0.1 "$ETCD_PEER_PORT"
  fi
  running kube-apiserver || port_free "$NODE_IP" "$APISERVER_PORT"
  start etcd "$ETCD_BIN" --name "$NODE_NAME" --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
  wait_for etcd 60 etcd curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
  # The node's name resolves nowhere, so the apiserver reaches the kubelet (logs, exec, port-forward)
  # by its IP.
  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$APISERVER_PORT" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction --allow-privileged=true \
    --profiling=false
  wait_for "the apiserver" 120 kube-apiserver kubectl get --raw /readyz
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SERVICE_CIDR" \
    --cluster-cidr="$CLUSTER_CIDR" --leader-elect=false --bind-address=127.0.0.1 --profiling=false
  start kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1 --profiling=false
}

start_node() {
  start containerd /usr/bin/containerd --config "$STATE/containerd/config.toml"
  wait_for "the cluster's containerd" 60 containerd ctr --address "$SOCKET" version
  import_images "registry.k8s.io/pause:$(pause_tag)" "$COREDNS_IMAGE" "$LPP_IMAGE" "$HELPER_IMAGE"
  # Host directories that the kubelet (container log links) and CNI (its result cache) use whatever
  # the configuration says: down removes them again only when this cluster made them.
  local dir
  for dir in /var/log/containers /var/lib/cni; do
    [ -e "$dir" ] || echo "$dir" >>"$STATE/made-host-dirs"
  done
  start kubelet "$K8S_BIN/kubelet" --config="$STATE/kubelet.yaml" --kubeconfig="$STATE/kubelet.kubeconfig" \
    --root-dir="$STATE/kubelet" --cert-dir="$STATE/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  # conntrack-max-per-core=0 leaves the machine's conntrack table size alone.
  start kube-proxy "$K8S_BIN/kube-proxy" --kubeconfig="$STATE/kube-proxy.kubeconfig" \
    --cluster-cidr="$CLUSTER_CIDR" --hostname-override="$NODE_NAME" --proxy-mode=iptables \
    --conntrack-max-per-core=0 --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256
}

cmd_up() {
  if cluster_ready; then
    progress "cluster already up"
    print_env
    return 0
  fi
  apt_install containerd runc containernetworking-plugins iptables conntrack openssl curl
  build_all
  build_images
  mkdir -p "$STATE"
  write_pki
  write_configs
  setup_network
  start_control_plane
  start_node
  wait_for "node $NODE_NAME Ready" 180 kubelet node_ready
  { coredns_manifest; echo ---; local_path_manifest; } | kubectl apply -f - >"$LOGS/addons.log" 2>&1 \
    || { cat "$LOGS/addons.log" >&2; fail "applying CoreDNS and the storage provisioner failed"; }
  wait_for "CoreDNS" 180 - deployment_ready kube-system coredns
  wait_for "the storage provisioner" 180 - deployment_ready local-path-storage local-path-provisioner
  progress "cluster up: kubeconfig $KUBECONFIG_PATH"
  print_env
}

# ---- down ---------------------------------------------------------------------------------------

# Pods' containers first, through the cluster's containerd, so their shims exit cleanly.
remove_containers() {
  running containerd || return 0
  local task id
  # CNI caches each sandbox's result outside the state dir; the sandboxes are containers here too.
  for id in $(ctr_k8s containers ls -q 2>/dev/null); do
    rm -f /var/lib/cni/results/*-"$id"-*
  done
  for task in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks kill -a -s SIGKILL "$task" >/dev/null 2>&1 || true
  done
  for task in $(ctr_k8s tasks ls -q 2>/dev/null); do
    ctr_k8s tasks delete -f "$task" >/dev/null 2>&1 || true
  done
  for task in $(ctr_k8s containers ls -q 2>/dev/null); do
    ctr_k8s containers delete "$task" >/dev/null 2>&1 || true
  done
}

# Shims and container processes that outlived containerd: the shims named by our socket, and
# whatever is left in the kubelet's pod cgroups (only this cluster's kubelet makes them).
kill_leftovers() {
  local pid pids=()
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $SOCKET" || true); do pids+=("$pid"); done
  pids+=($(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
    /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs 2>/dev/null || true))
  ((${#pids[@]} == 0)) && return 0
  kill -9 "${pids[@]}" 2>/dev/null || true
  sleep 1
}

unmount_state() {
  local mountpoint
  # Deepest first; mountinfo escapes spaces as \040.
  for mountpoint in $(awk -v d="$STATE/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount "$mountpoint" 2>/dev/null || umount -l "$mountpoint" 2>/dev/null || progress "could not unmount $mountpoint"
  done
}

remove_cgroups() {
  local dir
  for dir in /sys/fs/cgroup/*/kubepods; do
    [ -d "$dir" ] || continue
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

# Removes the chains of kube-proxy, the kubelet and setup_network, and the rules that jump to them
# from the built-in chains; Docker's chains and rules stay as they are.
remove_iptables() {
  local tool table dump line chain
  local -a chains
  for tool in iptables ip6tables; do
    command -v "$tool-save" >/dev/null || continue
    for table in raw mangle nat filter; do
      dump=$("$tool-save" -t "$table" 2>/dev/null) || continue
      while IFS= read -r line; do
        eval "$tool -t $table -D ${line#-A }" 2>/dev/null || true
      done < <(grep -E '^-A ' <<<"$dump" | grep -vE '^-A (KUBE-|LBK8S-)' | grep -E -- '-j (KUBE-|LBK8S-)' || true)
      mapfile -t chains < <(grep -oE '^:(KUBE-|LBK8S-)[^ ]+' <<<"$dump" | cut -c2- || true)
      for chain in "${chains[@]}"; do "$tool" -t "$table" -F "$chain" 2>/dev/null || true; done
      for chain in "${chains[@]}"; do "$tool" -t "$table" -X "$chain" 2>/dev/null || true; done
    done
  done
}

cmd_down() {
  local started=$SECONDS name link dir
  progress "taking the cluster down"
  for name in kube-proxy kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done
  remove_containers
  stop containerd
  kill_leftovers
  unmount_state
  remove_cgroups
  for link in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip link delete "$link" 2>/dev/null || true
  done
  ip link delete "$BRIDGE" 2>/dev/null || true
  remove_iptables
  find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null || true
  if [ -e "$STATE/made-host-dirs" ]; then
    while read -r dir; do
      find "$dir" -depth -type d -empty -delete 2>/dev/null || true
    done <"$STATE/made-host-dirs"
  fi
  rm -rf "$STATE"
  progress "cluster down in $((SECONDS - started)) s"
}

# ---- status -------------------------------------------------------------------------------------

cmd_status() {
  local daemon down=()
  for daemon in "${DAEMONS[@]}"; do running "$daemon" || down+=("$daemon"); done
  if ((${#down[@]} > 0)); then
    echo "not running: ${down[*]}"
    return 1
  fi
  kubectl get nodes -o wide
  kubectl get pods -n kube-system -o wide
  kubectl get pods -n local-path-storage -o wide
  kubectl get storageclass
  cluster_ready
}

main() {
  local command=${1:-}
  [ $# -gt 0 ] && shift
  # Concurrent callers (CI and a test run) wait for each other instead of starting twice.
  mkdir -p "$(dirname "$STATE")"
  exec 7>"$STATE.lock"
  flock 7
  case $command in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    import)
      [ $# -gt 0 ] || fail "usage: k8s-cluster.sh import IMAGE..."
      running containerd || fail "the cluster is not up (run: k8s-cluster.sh up)"
      import_images "$@"
      ;;
    kubeconfig)
      [ -s "$KUBECONFIG_PATH" ] || fail "no kubeconfig at $KUBECONFIG_PATH (run: k8s-cluster.sh up)"
      echo "$KUBECONFIG_PATH"
      ;;
    build) build_all ;;
    *) fail "usage: k8s-cluster.sh up|down|status|import IMAGE...|kubeconfig|build" ;;
  esac
}

# On one line with main, so a shell running a long build never reads an edited version of this file.
main "$@"; exit $?
