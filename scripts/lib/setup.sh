# shellcheck shell=bash
# What a fresh machine needs before a deploy or a test run, each piece installed or started only when
# it is missing, so a second run skips what is done. The npm commands (scripts/cli/*.ts) call these
# functions through scripts/cli/toolchain.ts. Sourced, never run; expects images/standins/lib.sh
# sourced first.
#
# Where something cannot be installed here (not root, not Debian/Ubuntu) the step fails with one
# message naming what is missing and how to get it.

# Where the commands keep their per-checkout files: the toolchain's settings, linked tools.
LOCAL_DIR="$REPO_ROOT/.leaderboard"


can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# need_command CMD PACKAGE WHAT: CMD on the PATH, installing Debian's PACKAGE where that is possible.
need_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  can_apt || fail "missing prerequisite: $1 ($3); install it, or run as root on Debian/Ubuntu to have it installed"
  apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || fail "installed $2 but $1 is still not on the PATH"
}

# obtain WHAT OUT: the one rule every third-party artefact follows. Its sources are tried in this
# order, each a function WHAT_<source> that writes the artefact's settings (key=value lines) on stdout:
#   WHAT_official  the official release or image, when its registry answers
#   WHAT_local     a vendored or cached copy (and what is built from it)
#   WHAT_build     a build from a package registry
# A source returns 1 when it is not available here (the next one is tried), 0 when it delivered, and
# anything else when it was there but failed (said in its own error line). The first to deliver
# writes OUT. When none does, the last one tried has said in one line what is missing and how to
# provide it, and obtain returns 3.
obtain() {
  local what=$1 out=$2 source status tried=""
  mkdir -p "$(dirname "$out")"
  for source in official local build; do
    declare -F "${what}_$source" >/dev/null || continue
    tried="$tried $source"
    status=0
    "${what}_$source" >"$out.tmp" || status=$?
    case $status in
      0) mv "$out.tmp" "$out"; progress "$what: $source"; return 0 ;;
      1) ;;
      *) rm -f "$out.tmp"; fail "$what: the $source source failed (exit $status); its error is above" ;;
    esac
  done
  rm -f "$out.tmp"
  return 3
}

# registry_answers URL: a quick look whether an official download site or registry is reachable (any
# HTTP answer counts: a registry's API says 401 to a client that has not logged in).
registry_answers() { [ "$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != 000 ]; }

# pulled IMAGE: IMAGE is local, or pulled now.
pulled() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  progress "pulling $1"
  docker pull -q "$1" >/dev/null 2>&1
}

# ensure_npm_dependencies: node_modules matching package-lock.json.
ensure_npm_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$REPO_ROOT/package-lock.json" ]; then
    return 0
  fi
  progress "installing npm dependencies (npm ci)"
  (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2) || fail "npm ci failed"
}

# ensure_build_tools: JDK 17 and Maven, which build the SQL runner and fetch the Flink connectors.
ensure_build_tools() {
  need_command javac openjdk-17-jdk-headless "JDK 17: builds the Flink SQL runner"
  need_command mvn maven "Maven: fetches the Flink connectors"
}

# ensure_docker_engine: a Docker engine that answers; installed and started where this script can.
ensure_docker_engine() {
  docker info >/dev/null 2>&1 && return 0
  [ -z "${DOCKER_HOST:-}" ] || fail "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer; start it, or unset DOCKER_HOST to use (or start) this machine's"
  if ! can_apt; then
    command -v docker >/dev/null 2>&1 || fail "missing prerequisite: a Docker engine (install Docker, then re-run)"
    fail "the Docker engine does not answer (is dockerd running, and may this user use it?)"
  fi
  "$REPO_ROOT/scripts/offline/docker-engine.sh"
}

# ensure_tofu: TERRAFORM_BINARY_NAME and, offline, TF_CLI_CONFIG_FILE for cdktf, by the rule above: a
# tofu or terraform on the PATH when the public provider registry answers; otherwise OpenTofu and the
# providers built from the Go module proxy into a filesystem mirror (cached; minutes the first time).
ensure_tofu() {
  if [ -n "${TERRAFORM_BINARY_NAME:-}" ]; then return 0; fi
  local settings="$LOCAL_DIR/tofu.txt"
  obtain tofu "$settings" || fail "no OpenTofu: no provider registry answers and Go is missing; install Go (it builds OpenTofu and the providers offline) or put a tofu with a provider mirror on the PATH"
  local binary cli_config
  binary=$(sed -n 's/^TOFU_BINARY=//p' "$settings")
  cli_config=$(sed -n 's/^TF_CLI_CONFIG_FILE=//p' "$settings")
  case "$binary" in
    */*) export PATH="$(dirname "$binary"):$PATH" TERRAFORM_BINARY_NAME=tofu TOFU_BINARY="$binary" ;;
    *) export TERRAFORM_BINARY_NAME="$binary" ;;
  esac
  [ -z "$cli_config" ] || export TF_CLI_CONFIG_FILE="$cli_config"
}
tofu_official() {
  local system
  if command -v tofu >/dev/null 2>&1; then system=tofu; elif command -v terraform >/dev/null 2>&1; then system=terraform; else return 1; fi
  registry_answers https://registry.opentofu.org/.well-known/terraform.json || return 1
  echo "TOFU_BINARY=$system"
}
tofu_build() {
  command -v go >/dev/null 2>&1 || return 1
  "$REPO_ROOT/scripts/offline/tofu-toolchain.sh" || return 2
}

# The Flink Kubernetes Operator: its official image and Helm chart (the stacks' defaults) when ghcr.io
# and the Apache archive answer; else built from its source release, vendored, cached or downloaded
# (scripts/offline/flink-operator.sh, which says in one line how to provide the source when it has
# none).
flink_operator_official() {
  local image version
  { read -r image; read -r version; } < <(version images.flinkOperator flinkKubernetesOperator)
  registry_answers https://ghcr.io/v2/ || return 1
  curl -fsS --max-time 20 -o /dev/null "https://archive.apache.org/dist/flink/flink-kubernetes-operator-$version/index.yaml" 2>/dev/null || return 1
  echo "images.flinkOperator=$image"
}
# ensure_flink_operator OUT: the operator's settings in OUT for the Kubernetes suites. When it cannot
# be had, CI fails; elsewhere OUT says why (`missing=...`), the suites skip with that reason, and the
# function returns 1 so the caller skips the cluster too.
ensure_flink_operator() {
  obtain flink_operator "$1" && return 0
  [ "${CI:-}" != true ] || fail "CI needs the Flink Kubernetes Operator for the Kubernetes suites; the line above says how to provide it"
  echo "missing=no Flink Kubernetes Operator (npm test's set-up said how to provide it)" >"$1"
  progress "skipping the Kubernetes cluster and suites: no Flink Kubernetes Operator"
  return 1
}
flink_operator_local() {
  local status=0
  "$REPO_ROOT/scripts/offline/flink-operator.sh" || status=$?
  case $status in 0) return 0 ;; 3) return 1 ;; *) return 2 ;; esac
}

# configured_images: `KEY IMAGE` lines of the images the configuration names (defaults included),
# but the operator's, which only the Kubernetes stacks use and flink_operator_* obtains.
configured_images() {
  (cd "$REPO_ROOT" && npx ts-node --transpile-only -e '
    import { loadConfig } from "./stacks/config";
    for (const [key, image] of Object.entries(loadConfig().images)) if (key !== "flinkOperator") console.log(`${key} ${image}`);
  ') || fail "the configuration is not valid (LEADERBOARD_CONFIG=${LEADERBOARD_CONFIG:-unset})"
}

# user_named_images: the image keys the user's own configuration file (LEADERBOARD_CONFIG, which the
# commands have made absolute and checked) sets.
user_named_images() {
  [ -n "${LEADERBOARD_CONFIG:-}" ] || return 0
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(Object.keys(c.images || {}).join("\n"))' "$LEADERBOARD_CONFIG"
}

# ensure_images CHOICE: the third-party images the stacks run, by the rule above: the official ones
# when every one is local or can be pulled, else stand-ins with the same contracts built from Debian
# packages and Maven Central for all defaults (one deploy never mixes the two), whose names CHOICE
# then holds (it is empty for the official ones). Stand-ins chosen earlier stay chosen: delete CHOICE
# to try the official images again.
ensure_images() {
  local choice=$1
  if [ -s "$choice" ]; then
    progress "using the offline stand-in images chosen earlier ($choice; delete it to try the official images again)"
    images_build >"$choice.tmp" || { rm -f "$choice.tmp"; fail "building the stand-in images failed"; }
    mv "$choice.tmp" "$choice"
    return 0
  fi
  obtain images "$choice"
}
images_official() {
  local key image user_keys
  user_keys=" $(user_named_images | tr '\n' ' ') "
  while read -r key image; do
    pulled "$image" && continue
    case "$user_keys" in
      *" $key "*) fail "cannot pull images.$key=$image named in $LEADERBOARD_CONFIG (no registry answers?); build or load it, or remove it from the configuration" ;;
    esac
    progress "cannot pull $image: building offline stand-ins from Debian packages instead (images/standins/README.md)"
    return 1
  done < <(configured_images)
}
images_build() { "$REPO_ROOT/scripts/offline/standin-images.sh" || return 2; }

# ensure_kind: exports KIND, KUBECTL and KIND_NODE_IMAGE (empty for kind's own default) by the rule above: kind
# and kubectl on the PATH with kind's node images pulled from Docker Hub when it answers; else kind,
# kubectl and a node image built from the Go module proxy and Debian's packages
# (scripts/offline/kind-toolchain.sh). Both tools are linked into .leaderboard/bin.
ensure_kind() {
  local settings="$LOCAL_DIR/kind.txt"
  obtain kind "$settings" ||
    fail "no kind: install kind $(version kind) and kubectl (e.g. go install sigs.k8s.io/kind@v$(version kind)), or Go to build both and a node image offline"
  KIND=$(sed -n 's/^KIND_BINARY=//p' "$settings")
  KUBECTL=$(sed -n 's/^KUBECTL_BINARY=//p' "$settings")
  KIND_NODE_IMAGE=$(sed -n 's/^KIND_NODE_IMAGE=//p' "$settings")
  export KIND KUBECTL KIND_NODE_IMAGE
  mkdir -p "$LOCAL_DIR/bin"
  ln -sf "$(command -v "$KIND")" "$LOCAL_DIR/bin/kind"
  ln -sf "$(command -v "$KUBECTL")" "$LOCAL_DIR/bin/kubectl"
}
kind_official() {
  command -v kind >/dev/null 2>&1 && command -v kubectl >/dev/null 2>&1 || return 1
  registry_answers https://registry-1.docker.io/v2/ || return 1
  printf 'KIND_BINARY=%s\nKUBECTL_BINARY=%s\nKIND_NODE_IMAGE=\n' "$(command -v kind)" "$(command -v kubectl)"
}
kind_build() {
  command -v go >/dev/null 2>&1 || return 1
  "$REPO_ROOT/scripts/offline/kind-toolchain.sh" node-image || return 2
}
