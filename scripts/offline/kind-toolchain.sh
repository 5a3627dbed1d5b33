#!/usr/bin/env bash
# kind without a registry: the kind CLI at versions.json's "kind" built from the Go module proxy, and
# a kind node image for versions.json's "kubernetes" built from the same proxy and Debian's packages
# (recipe images/kind-node/). The node image has kind's own layout (the entrypoint, containerd
# configuration and systemd units of kind's base image, read from the kind module), Debian's
# systemd, containerd, runc and CNI plugins, the Kubernetes binaries, and, preloaded in its
# containerd, every image kubeadm asks for (control plane, etcd, CoreDNS, pause: the versions
# `kubeadm config images list` names, each built from its source) plus the storage provisioner and
# kube-router, which enforces NetworkPolicies on the node's bridge.
#
#   scripts/offline/kind-toolchain.sh cli          KIND_BINARY=<path>, KUBECTL_BINARY=<path>
#   scripts/offline/kind-toolchain.sh node-image   the above and KIND_NODE_IMAGE=<image>
#
# Progress goes to stderr; stdout is only those lines. Builds are cached under
# ${LEADERBOARD_CACHE:-~/.cache/leaderboard-stack}/kind-build and images carry a fingerprint of their
# inputs, so a second run builds nothing. Concurrent runs wait for each other.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../images/standins/lib.sh"
source "$here/go-build.sh"

{ read -r KIND_VERSION; read -r K8S_VERSION; read -r LPP_VERSION; read -r CRI_TOOLS_VERSION; read -r KUBE_ROUTER_VERSION; read -r SUITE; } \
  < <(version kind kubernetes localPathProvisioner criTools kubeRouter debianSuite)
[ -n "$SUITE" ] || fail "could not read the versions from versions.json"
BUILD_ROOT="$CACHE_ROOT/kind-build"
K8S_BIN="$BUILD_ROOT/kubernetes/v$K8S_VERSION"
K8S_COMMANDS=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
KIND_BIN="$BUILD_ROOT/kind/v$KIND_VERSION/kind"
NODE_IMAGE="leaderboard-kind/node:v$K8S_VERSION"
NODE_BASE_IMAGE="leaderboard-kind/node-base:v$K8S_VERSION"
LPP_IMAGE="leaderboard-kind/local-path-provisioner:v$LPP_VERSION"
KUBE_ROUTER_IMAGE="leaderboard-kind/kube-router:v$KUBE_ROUTER_VERSION"
# The provisioner's helper pods create and delete volume directories: sh, mkdir and rm.
HELPER_IMAGE="leaderboard-standin/debian:$SUITE"

case "${1:-}" in
  cli) with_node_image=false ;;
  node-image) with_node_image=true ;;
  *) fail "usage: kind-toolchain.sh cli|node-image" ;;
esac
command -v go >/dev/null || fail "Go is needed to build kind and Kubernetes offline (or install kind and kubectl, and let kind pull its node image)"

# go_install WHAT OUT_DIR LDFLAGS MODULE@VERSION: `go install` of a module without replaces into OUT_DIR.
go_install() {
  local what=$1 out=$2 ldflags=$3 target=$4 started=$SECONDS
  progress "building $what"
  rm -rf "$out.tmp"
  mkdir -p "$out.tmp"
  run_quietly "building $what" "$out.tmp/build.log" env GOBIN="$out.tmp" CGO_ENABLED=0 nice go install -trimpath -ldflags "-s -w $ldflags" "$target"
  rm -f "$out.tmp/build.log"
  rm -rf "$out"
  mv "$out.tmp" "$out"
  progress "built $what in $((SECONDS - started)) s"
}

build_kind_cli() {
  [ -x "$KIND_BIN" ] || go_install "kind v$KIND_VERSION" "$(dirname "$KIND_BIN")" "" "sigs.k8s.io/kind@v$KIND_VERSION"
}

build_kubernetes() {
  local cmd missing=false
  for cmd in "${K8S_COMMANDS[@]}"; do [ -x "$K8S_BIN/$cmd" ] || missing=true; done
  $missing || return 0
  local major=${K8S_VERSION%%.*} minor=${K8S_VERSION#*.}
  minor=${minor%%.*}
  # Without these the binaries report v0.0.0, and kubeadm, kubectl and the kubelet refuse or warn.
  local v=v$K8S_VERSION cv=k8s.io/component-base/version
  local ldflags="-X $cv.gitVersion=$v -X $cv.gitMajor=$major -X $cv.gitMinor=$minor -X $cv.gitTreeState=clean"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=$major"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  go_build "Kubernetes $v" "$K8S_BIN" k8s.io/kubernetes "$v" "v0.${K8S_VERSION#*.}" "$ldflags" \
    "${K8S_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}"
}

# kubeadm_image NAME: the reference kubeadm asks for, e.g. registry.k8s.io/etcd:3.6.5-0 for etcd.
kubeadm_image() {
  "$K8S_BIN/kubeadm" config images list --kubernetes-version "v$K8S_VERSION" 2>/dev/null | grep -E "/$1:" ||
    fail "kubeadm v$K8S_VERSION names no $1 image"
}

# build_module WHAT MODULE VERSION BINARY [LDFLAGS]: a module whose main package is its root, built
# into a directory named after BINARY; prints the binary's path.
build_module() {
  local what=$1 module=$2 module_version=$3 binary=$4 ldflags=${5:-} out built
  out="$BUILD_ROOT/$binary/$module_version"
  [ -x "$out/$binary" ] && { echo "$out/$binary"; return 0; }
  go_build "$what $module_version" "$out" "$module" "$module_version" "" "$ldflags" "$module" >&2
  # go names the binary after the module path's last element that is not a major version (server/v3: server).
  built=$(find "$out" -maxdepth 1 -type f -perm -u+x | head -n 1)
  [ "$built" = "$out/$binary" ] || mv "$built" "$out/$binary"
  echo "$out/$binary"
}

# The pause binary from Kubernetes' own source, linked statically for an image FROM scratch.
build_pause() {
  local tag=$1 out="$BUILD_ROOT/pause/v$K8S_VERSION/pause" src
  [ -x "$out" ] && { echo "$out"; return 0; }
  src="$(go env GOMODCACHE)/k8s.io/kubernetes@v$K8S_VERSION/build/pause/linux/pause.c"
  [ -f "$src" ] || go mod download "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  command -v gcc >/dev/null || fail "gcc is needed to build the pause binary (Debian: build-essential)"
  mkdir -p "$(dirname "$out")"
  gcc -Os -Wall -Werror -static -DVERSION="v$tag" -o "$out.partial" "$src" || fail "compiling $src failed"
  strip "$out.partial"
  mv "$out.partial" "$out"
  echo "$out"
}

# image_from_binary IMAGE BINARY PATH: an image FROM scratch holding BINARY at PATH, its entrypoint
# (kubeadm's static pods call the control plane by name, so PATH is set too). Rebuilt when the
# binary changed.
image_from_binary() {
  local image=$1 binary=$2 path=$3 fingerprint context
  fingerprint=$( { sha256sum <"$binary"; echo "$path"; } | sha256sum | cut -d' ' -f1)
  [ "$(docker image inspect -f "{{index .Config.Labels \"$FINGERPRINT_LABEL\"}}" "$image" 2>/dev/null)" = "$fingerprint" ] && return 0
  context=$(mktemp -d "$BUILD_ROOT/image.XXXXXX")
  cp "$binary" "$context/"
  printf 'FROM scratch\nENV PATH=/usr/local/bin:/usr/bin:/bin\nCOPY %s %s\nENTRYPOINT ["%s"]\n' "${binary##*/}" "$path" "$path" >"$context/Dockerfile"
  docker build -q --label "$FINGERPRINT_LABEL=$fingerprint" -t "$image" "$context" >"$BUILD_ROOT/image-build.log" 2>&1 ||
    { cat "$BUILD_ROOT/image-build.log" >&2; fail "docker build of $image failed"; }
  rm -rf "$context"
  progress "built $image"
}

# recipe_context NAME: a fresh copy of images/kind-node/NAME (or of the whole recipe) to build from.
recipe_context() {
  local dir="$BUILD_ROOT/context/${1:-node}"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  cp -a "$REPO_ROOT/images/kind-node/${1:-}" "$dir"
  echo "$dir"
}

# stage_node_context: the node image's build context: kind's base image files from the kind module
# (never copied into this repository), the recipe, the binaries, the manifests with image names.
stage_node_context() {
  local context kind_dir
  context=$(recipe_context)
  kind_dir=$(go mod download -json "sigs.k8s.io/kind@v$KIND_VERSION" | node -e '
    const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (info.Error) { console.error(info.Error); process.exit(1); }
    console.log(info.Dir);') || fail "the Go module proxy does not serve sigs.k8s.io/kind@v$KIND_VERSION"
  cp -r "$kind_dir/images/base/files" "$context/kind-base"
  chmod -R u+w "$context/kind-base"
  rm -rf "$context/kind-base/LICENSES" "$context/kube-proxy" "$context/kube-router"
  mkdir -p "$context/bin"
  cp "$K8S_BIN/kubeadm" "$K8S_BIN/kubelet" "$K8S_BIN/kubectl" "$CRICTL" "$context/bin/"
  sed -i -e "s|@PROVISIONER_IMAGE@|$LPP_IMAGE|g" -e "s|@HELPER_IMAGE@|$HELPER_IMAGE|g" "$context/manifests/default-storage.yaml"
  sed -i -e "s|@KUBE_ROUTER_IMAGE@|$KUBE_ROUTER_IMAGE|g" "$context/manifests/default-cni.yaml"
  echo "$context"
}

# preload NODE_BASE IMAGE...: NODE_IMAGE = NODE_BASE with IMAGEs in its containerd's k8s.io
# namespace, as kind's own node images carry theirs: started in a plain container (containerd only
# imports there, it runs nothing), then committed. Rebuilt only when an input image changed.
preload() {
  local base=$1 fingerprint container
  shift
  fingerprint=$(docker image inspect -f '{{.Id}}' "$base" "$@" | sha256sum | cut -d' ' -f1)
  [ "$(docker image inspect -f "{{index .Config.Labels \"$FINGERPRINT_LABEL\"}}" "$NODE_IMAGE" 2>/dev/null)" = "$fingerprint" ] && return 0
  progress "preloading $# images into $NODE_IMAGE"
  container="leaderboard-kind-preload-$$"
  docker rm -f "$container" >/dev/null 2>&1 || true
  docker run -d --name "$container" --entrypoint sleep "$base" infinity >/dev/null
  # shellcheck disable=SC2064
  trap "docker rm -f $container >/dev/null 2>&1 || true" EXIT
  docker exec -d "$container" sh -c 'containerd >/var/log/containerd-preload.log 2>&1'
  local i
  for i in $(seq 60); do docker exec "$container" ctr version >/dev/null 2>&1 && break; sleep 1; done
  docker save "$@" | docker exec -i "$container" ctr -n k8s.io images import --no-unpack - >/dev/null ||
    fail "importing the images into the node image failed"
  docker exec "$container" sh -c 'pkill -x containerd; while pgrep -x containerd >/dev/null; do sleep 0.2; done; rm -f /var/log/containerd-preload.log'
  local previous
  previous=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE" 2>/dev/null || true)
  docker commit --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'CMD []' \
    --change "LABEL $FINGERPRINT_LABEL=$fingerprint" "$container" "$NODE_IMAGE" >/dev/null
  docker rm -f "$container" >/dev/null
  trap - EXIT
  [ -z "$previous" ] || docker image rm "$previous" >/dev/null 2>&1 || true
  progress "built $NODE_IMAGE ($(docker image inspect -f '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
}

mkdir -p "$BUILD_ROOT"
exec 8>"$BUILD_ROOT/.lock"
flock -w 3600 8 || fail "timed out waiting for another kind-toolchain.sh"
rm -rf "$BUILD_ROOT"/work.* "$BUILD_ROOT"/image.*
build_kind_cli
build_kubernetes
if [ "$with_node_image" = true ]; then
  "$here/docker-engine.sh"
  "$here/base-image.sh" "$SUITE"
  etcd_ref=$(kubeadm_image etcd)
  coredns_ref=$(kubeadm_image coredns)
  pause_ref=$(kubeadm_image pause)
  # etcd's image tags carry a build suffix (3.6.5-0); the module version is the part before it.
  etcd_version=${etcd_ref##*:}
  etcd=$(build_module etcd go.etcd.io/etcd/server/v3 "v${etcd_version%-*}" etcd)
  coredns=$(build_module CoreDNS github.com/coredns/coredns "${coredns_ref##*:}" coredns)
  lpp=$(build_module local-path-provisioner github.com/rancher/local-path-provisioner "v$LPP_VERSION" local-path-provisioner "-X main.VERSION=v$LPP_VERSION")
  CRICTL="$BUILD_ROOT/crictl/v$CRI_TOOLS_VERSION/crictl"
  [ -x "$CRICTL" ] || go_install "crictl v$CRI_TOOLS_VERSION" "$(dirname "$CRICTL")" "" "sigs.k8s.io/cri-tools/cmd/crictl@v$CRI_TOOLS_VERSION"
  pause=$(build_pause "${pause_ref##*:}")
  KUBE_ROUTER="$BUILD_ROOT/kube-router/v$KUBE_ROUTER_VERSION/kube-router"
  [ -x "$KUBE_ROUTER" ] || go_install "kube-router v$KUBE_ROUTER_VERSION" "$(dirname "$KUBE_ROUTER")" "" "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v$KUBE_ROUTER_VERSION"

  images=()
  for component in kube-apiserver kube-controller-manager kube-scheduler; do
    ref="registry.k8s.io/$component:v$K8S_VERSION"
    image_from_binary "$ref" "$K8S_BIN/$component" "/usr/local/bin/$component"
    images+=("$ref")
  done
  image_from_binary "$etcd_ref" "$etcd" /usr/local/bin/etcd
  image_from_binary "$coredns_ref" "$coredns" /coredns
  image_from_binary "$pause_ref" "$pause" /pause
  image_from_binary "$LPP_IMAGE" "$lpp" /local-path-provisioner
  # kube-proxy programs iptables: it needs the tools, from Debian.
  context=$(recipe_context kube-proxy)
  cp "$K8S_BIN/kube-proxy" "$context/"
  build_image kind-kube-proxy "registry.k8s.io/kube-proxy:v$K8S_VERSION" "$context" "leaderboard-standin/debian:$SUITE" >/dev/null
  # kube-router programs iptables and ipsets: Debian's tools beside it.
  context=$(recipe_context kube-router)
  cp "$KUBE_ROUTER" "$context/"
  build_image kind-kube-router "$KUBE_ROUTER_IMAGE" "$context" "leaderboard-standin/debian:$SUITE" >/dev/null
  images+=("registry.k8s.io/kube-proxy:v$K8S_VERSION" "$etcd_ref" "$coredns_ref" "$pause_ref" "$LPP_IMAGE" "$HELPER_IMAGE" "$KUBE_ROUTER_IMAGE")

  context=$(stage_node_context)
  build_image kind-node-base "$NODE_BASE_IMAGE" "$context" "leaderboard-standin/debian:$SUITE" \
    --build-arg "KUBERNETES_VERSION=$K8S_VERSION" --build-arg "SANDBOX_IMAGE=$pause_ref" >/dev/null
  preload "$NODE_BASE_IMAGE" "${images[@]}"
fi
exec 8>&-
echo "KIND_BINARY=$KIND_BIN"
echo "KUBECTL_BINARY=$K8S_BIN/kubectl"
[ "$with_node_image" = false ] || echo "KIND_NODE_IMAGE=$NODE_IMAGE"
