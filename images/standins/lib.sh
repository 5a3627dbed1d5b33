# shellcheck shell=bash
# Shared by the offline image scripts (scripts/offline/*.sh): cache location, progress lines,
# versions.json look-ups and Debian package installs. Sourced, never run.

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

fail() {
  local msg=${1//\\/\\\\}
  msg=${msg//\"/\\\"}
  printf '{"level":"error","script":"%s","elapsed_s":%d,"msg":"%s"}\n' \
    "$SCRIPT_NAME" "$((SECONDS - SCRIPT_START))" "$msg" >&2
  exit 1
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
