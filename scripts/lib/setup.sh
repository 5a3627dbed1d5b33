# shellcheck shell=bash
# What a fresh machine needs before a deploy or a test run, each piece installed or started only when
# it is missing, so a second run skips what is done. Shared by scripts/deploy.sh, scripts/destroy.sh,
# scripts/status.sh and scripts/test.sh. Sourced, never run; expects images/standins/lib.sh sourced first.
#
# Where something cannot be installed here (not root, not Debian/Ubuntu) the step fails with one
# message naming what is missing and how to get it.

# Where the scripts keep their per-checkout files: the effective configuration, the deploy logs.
LOCAL_DIR="$REPO_ROOT/.leaderboard"
STANDIN_CHOICE="$LOCAL_DIR/standin-images.txt"

# cdktf's telemetry and version check call public hosts; offline they print an [ERROR] line after a
# successful run.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1

STEP=0
STEPS=0
# step WHAT: a numbered progress line for the next set-up step.
step() {
  STEP=$((STEP + 1))
  progress "step $STEP/$STEPS: $1"
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# need_command CMD PACKAGE WHAT: CMD on the PATH, installing Debian's PACKAGE where that is possible.
need_command() {
  command -v "$1" >/dev/null 2>&1 && return 0
  can_apt || fail "missing prerequisite: $1 ($3); install it, or run as root on Debian/Ubuntu to have it installed"
  apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || fail "installed $2 but $1 is still not on the PATH"
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
  if ! can_apt; then
    command -v docker >/dev/null 2>&1 || fail "missing prerequisite: a Docker engine (install Docker, then re-run)"
    fail "the Docker engine does not answer (is dockerd running, and may this user use it?)"
  fi
  "$REPO_ROOT/scripts/offline/docker-engine.sh"
}

# ensure_tofu: TERRAFORM_BINARY_NAME and, offline, TF_CLI_CONFIG_FILE for cdktf. A tofu or terraform
# on the PATH is used as it is when the public provider registry resolves; otherwise OpenTofu and the
# providers are built from the Go module proxy into a filesystem mirror (cached; minutes the first time).
ensure_tofu() {
  if [ -n "${TERRAFORM_BINARY_NAME:-}" ]; then return 0; fi
  local system=""
  if command -v tofu >/dev/null 2>&1; then system=tofu; elif command -v terraform >/dev/null 2>&1; then system=terraform; fi
  if [ -n "$system" ] && timeout 5 getent hosts registry.opentofu.org >/dev/null 2>&1; then
    export TERRAFORM_BINARY_NAME=$system
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    fail "no provider registry answers and Go is missing: install Go (it builds OpenTofu and the providers offline) or put a tofu with a provider mirror on the PATH"
  local toolchain
  toolchain=$("$REPO_ROOT/scripts/offline/tofu-toolchain.sh") || fail "building the offline OpenTofu toolchain failed"
  local tofu cli_config
  tofu=$(sed -n 's/^TOFU_BINARY=//p' <<<"$toolchain")
  cli_config=$(sed -n 's/^TF_CLI_CONFIG_FILE=//p' <<<"$toolchain")
  export PATH="$(dirname "$tofu"):$PATH" TERRAFORM_BINARY_NAME=tofu TF_CLI_CONFIG_FILE="$cli_config" TOFU_BINARY="$tofu"
}

# ensure_standin_images: builds (or checks) the offline stand-ins and records their names, which the
# effective configuration then uses for every image the user's configuration does not name.
ensure_standin_images() {
  mkdir -p "$LOCAL_DIR"
  "$REPO_ROOT/scripts/offline/standin-images.sh" >"$STANDIN_CHOICE.tmp" || { rm -f "$STANDIN_CHOICE.tmp"; fail "building the stand-in images failed"; }
  mv "$STANDIN_CHOICE.tmp" "$STANDIN_CHOICE"
}

# configured_images: `KEY IMAGE` lines of the images the configuration names (defaults included).
configured_images() {
  (cd "$REPO_ROOT" && npx ts-node --transpile-only -e '
    import { loadConfig } from "./stacks/config";
    for (const [key, image] of Object.entries(loadConfig().images)) console.log(`${key} ${image}`);
  ') || fail "the configuration is not valid (LEADERBOARD_CONFIG=${LEADERBOARD_CONFIG:-unset})"
}

# user_named_images: the image keys the user's own configuration file sets.
user_named_images() {
  [ -n "${USER_CONFIG:-}" ] || return 0
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(Object.keys(c.images || {}).join("\n"))' "$USER_CONFIG"
}

# ensure_images: every third-party image present locally. Missing ones are pulled; when a pull fails
# (no registry answers) and the image is a default, the offline stand-ins are built instead and used
# for all defaults, so one deploy never mixes official and stand-in images.
ensure_images() {
  local key image failed="" user_keys
  user_keys=" $(user_named_images | tr '\n' ' ') "
  if [ -s "$STANDIN_CHOICE" ]; then
    progress "using the offline stand-in images chosen earlier ($STANDIN_CHOICE; delete it to try the official images again)"
    ensure_standin_images
    return 0
  fi
  while read -r key image; do
    docker image inspect "$image" >/dev/null 2>&1 && continue
    progress "pulling $image"
    if docker pull -q "$image" >/dev/null 2>&1; then continue; fi
    case "$user_keys" in
      *" $key "*) fail "cannot pull images.$key=$image named in $USER_CONFIG (no registry answers?); build or load it, or remove it from the configuration" ;;
    esac
    failed="$failed $image"
  done < <(configured_images)
  if [ -n "$failed" ]; then
    progress "official images cannot be pulled ($failed ); building offline stand-ins from Debian packages instead (images/standins/README.md)"
    ensure_standin_images
  fi
}

# write_effective_config STACK: the configuration the stack is deployed with: the user's file
# (LEADERBOARD_CONFIG) plus the stand-in images for every image it does not name. Sets
# LEADERBOARD_CONFIG to it, so deploy, destroy and status synthesize the same stack.
write_effective_config() {
  local out="$LOCAL_DIR/config.$1.json"
  mkdir -p "$LOCAL_DIR"
  node -e '
    const fs = require("fs");
    const [user, standins, out] = process.argv.slice(1);
    const config = user ? JSON.parse(fs.readFileSync(user, "utf8")) : {};
    const chosen = fs.existsSync(standins) ? fs.readFileSync(standins, "utf8") : "";
    const images = Object.fromEntries(chosen.split("\n").map((l) => /^images\.(\w+)=(\S+)$/.exec(l.trim())).filter(Boolean).map((m) => [m[1], m[2]]));
    config.images = { ...images, ...(config.images || {}) };
    fs.writeFileSync(out, JSON.stringify(config, null, 2) + "\n");
  ' "${USER_CONFIG:-}" "$STANDIN_CHOICE" "$out" || fail "cannot read the configuration file ${USER_CONFIG:-}"
  export LEADERBOARD_CONFIG="$out"
}

# check_stack STACK: exits 2 with the list of stacks when STACK is not one of them.
check_stack() {
  case "$1" in
    docker-jdbc|docker-kafka|k8s-jdbc|k8s-kafka) ;;
    *) printf 'unknown stack %s; stacks: docker-jdbc, docker-kafka, k8s-jdbc, k8s-kafka\n' "'$1'" >&2; exit 2 ;;
  esac
}

# A relative LEADERBOARD_CONFIG names a file from where the command was started.
USER_CONFIG="${LEADERBOARD_CONFIG:-}"
if [ -n "$USER_CONFIG" ]; then
  [ -f "$USER_CONFIG" ] || fail "LEADERBOARD_CONFIG=$USER_CONFIG: no such file"
  USER_CONFIG="$(cd "$(dirname "$USER_CONFIG")" && pwd)/$(basename "$USER_CONFIG")"
fi
