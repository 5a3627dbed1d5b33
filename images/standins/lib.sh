# shellcheck shell=bash
# Shared by the offline image scripts (scripts/offline/*.sh): cache location, progress lines,
# versions.json look-ups, Debian package installs and fingerprinted image builds. Sourced, never run.

STANDINS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$STANDINS_DIR/../.." && pwd)"
CACHE_ROOT="${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}"
SCRIPT_NAME="$(basename "$0" .sh)"
SCRIPT_START=$SECONDS

# Progress goes to stderr as JSON lines, so stdout stays free for results other scripts parse.
progress() {
  local msg=${1//\\/\\\\}
  msg=${msg//\"/\\\"}
  printf '{"level":"info","script":"%s","elapsed_s":%d,"msg":"%s"}\n' \
    "$SCRIPT_NAME" "$((SECONDS - SCRIPT_START))" "$msg" >&2
}

# fail MESSAGE [STATUS]: one error line, then exit with STATUS (default 1).
fail() {
  local msg=${1//\\/\\\\}
  msg=${msg//\"/\\\"}
  printf '{"level":"error","script":"%s","elapsed_s":%d,"msg":"%s"}\n' \
    "$SCRIPT_NAME" "$((SECONDS - SCRIPT_START))" "$msg" >&2
  exit "${2:-1}"
}

# run_quietly WHAT LOGFILE COMMAND...: runs the command with its output in a log file shown only when
# it fails, and a progress line every 30 s (cold builds take many minutes on a small machine). The
# ticker stops with the command, or with the calling script if it is killed first; its sleep gets no
# stdout or stderr, so a caller reading them never waits for it.
run_quietly() {
  local what=$1 logfile=$2 started=$SECONDS
  shift 2
  (while sleep 30 >/dev/null 2>&1 && kill -0 $$ 2>/dev/null; do
    progress "still ${what} ($((SECONDS - started)) s)"
  done) >/dev/null &
  local ticker=$! status=0
  "$@" >"$logfile" 2>&1 || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if ((status != 0)); then
    tail -n 40 "$logfile" >&2
    fail "${what} failed with exit code ${status} (full log: ${logfile})"
  fi
}

# version KEY[.SUB...]...: strings from versions.json, the single source of versions, one a line
# (one node start for all of them).
version() {
  node -e '
    const v = require(process.argv[1]);
    for (const key of process.argv.slice(2)) {
      const value = key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), v);
      if (typeof value !== "string") { console.error(`versions.json has no string at ${key}`); process.exit(1); }
      console.log(value);
    }
  ' "$REPO_ROOT/versions.json" "$@"
}

APT_UPDATED=false
# apt_install PKG...: installs the Debian packages that are missing; the package lists are
# refreshed at most once per script run, and only when something is to be installed.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$APT_UPDATED" = false ]; then
    progress "apt-get update"
    apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null || fail "apt-get update failed"
    APT_UPDATED=true
  fi
  progress "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
  progress "installed ${missing[*]}"
}

FINGERPRINT_LABEL=leaderboard.standin.fingerprint
CONTEXTS="$CACHE_ROOT/standin-contexts"

# stage_context NAME: a fresh build context holding the recipe images/standins/NAME.
stage_context() {
  local dir="$CONTEXTS/$1"
  rm -rf "$dir"
  mkdir -p "$CONTEXTS"
  cp -a "$STANDINS_DIR/$1" "$dir"
  echo "$dir"
}

# add_jars DIR CONTEXT/SUBDIR: resolved jars into a build context, as hard links where possible.
add_jars() {
  cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
}

# build_image KEY IMAGE CONTEXT BASE_IMAGE [docker build args...]: builds unless IMAGE already
# carries the fingerprint of these inputs, then prints images.KEY=IMAGE.
build_image() {
  local key=$1 image=$2 context=$3 base=$4
  shift 4
  local fingerprint current
  # Jars from Maven Central never change under a name, so their names and sizes stand for them.
  fingerprint=$( {
    docker image inspect -f '{{.Id}}' "$base"
    printf '%s\n' "$@"
    (cd "$context" && find . -type f -name '*.jar' -printf '%p %s\n' | sort)
    (cd "$context" && find . -type f ! -name '*.jar' -print0 | sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1)
  current=$(docker image inspect -f "{{index .Config.Labels \"$FINGERPRINT_LABEL\"}}" "$image" 2>/dev/null || true)
  if [ "$current" != "$fingerprint" ]; then
    local started=$SECONDS log="$CONTEXTS/$key-build.log" previous
    previous=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
    progress "building $image"
    if ! nice docker build --force-rm --label "$FINGERPRINT_LABEL=$fingerprint" --build-arg "BASE_IMAGE=$base" \
        -t "$image" "$@" "$context" >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      fail "docker build of $image failed; full log in $log"
    fi
    progress "built $image in $((SECONDS - started))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
    # The replaced build would stay behind untagged; a container still using it keeps it.
    if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
      docker image rm "$previous" >/dev/null 2>&1 || progress "kept the previous $image build: a container or a derived image uses it"
    fi
  fi
  echo "images.$key=$image"
}
