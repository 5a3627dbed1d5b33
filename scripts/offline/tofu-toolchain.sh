#!/usr/bin/env bash
# Builds OpenTofu and the Terraform providers the stacks use, without internet, into a cache:
#   bin/tofu, a provider filesystem mirror and tofu.rc (a CLI config that installs only from it).
# OpenTofu comes from the Go module proxy. The providers' own modules are not served by the proxy
# reachable here (it refuses their tags and commits), so each is built from a source archive in
# scripts/offline/provider-sources/ whose embedded commit id must match versions.json; their
# dependencies still come from the proxy. An archive is made from a clone of the provider with
#   git archive --format=tar.gz -o terraform-provider-<type>-<version>.tar.gz <commit> -- go.mod go.sum \
#     LICENSE ':(glob)**/*.go' ':(exclude,glob)**/*_test.go' ':(exclude)tools' ':(exclude)manifest/test'
# (tools/ and manifest/test/ hold separate Go modules in some providers).
# Idempotent: a piece whose output exists for its version is not rebuilt. Go's build and module
# caches stay at their defaults, so a rebuild after a version bump is incremental.
# stdout: exactly `TOFU_BINARY=...` and `TF_CLI_CONFIG_FILE=...`; logs (JSON lines) go to stderr.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
versions_file="$repo/versions.json"
sources_dir="$repo/scripts/offline/provider-sources"
root="${LEADERBOARD_CACHE:-$HOME/.cache/leaderboard-stack}/tofu"
# cdktf writes bare sources such as "kreuzwerker/docker"; tofu resolves those to registry.opentofu.org,
# while configurations written for Terraform name registry.terraform.io. Both resolve to the same builds.
mirror_hosts=(registry.opentofu.org registry.terraform.io)
started=$SECONDS

log() {
  local level=$1 msg=$2
  printf '{"level":"%s","component":"tofu-toolchain","elapsedSeconds":%d,"msg":"%s"}\n' \
    "$level" $((SECONDS - started)) "${msg//\"/\\\"}" >&2
}

fail() {
  log error "$1"
  exit 1
}

# Runs a command with its output kept in a log file that is shown only when it fails, and a progress
# line every 30 s: a cold build takes minutes on a small machine. The ticker stops with the command,
# or with this script if it is killed first.
run_quietly() {
  local what=$1 logfile=$2
  shift 2
  # The ticker's sleep gets no stdout or stderr, so a caller reading them never waits for it.
  (while sleep 30 >/dev/null 2>&1 && kill -0 $$ 2>/dev/null; do log info "still ${what}"; done) >/dev/null &
  local ticker=$! status=0
  "$@" >"$logfile" 2>&1 || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if ((status != 0)); then
    tail -n 40 "$logfile" >&2
    fail "${what} failed with exit code ${status} (full log: ${logfile})"
  fi
}

build_tofu() {
  local version=$1
  local module=github.com/opentofu/opentofu
  local out="$root/opentofu/$version/tofu"
  if [[ ! -x $out ]]; then
    log info "building OpenTofu $version"
    local work
    work=$(mktemp -d "$root/work.XXXXXX")
    # OpenTofu's go.mod replaces hcl/v2 with its fork; `go install module@version` refuses a module with
    # replace directives, so a wrapper module requires it and repeats its replaces.
    local gomod
    gomod=$(cd "$work" && go mod download -json "$module@v$version" | node -e '
      const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
      if (info.Error) { console.error(info.Error); process.exit(1); }
      console.log(info.GoMod);')
    local -a replaces
    mapfile -t replaces < <(go mod edit -json "$gomod" | node -e '
      const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
      for (const r of mod.Replace ?? []) {
        if (!r.New.Version) continue;
        const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
        console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
      }')
    (
      cd "$work"
      go mod init leaderboard-stack/opentofu-build >/dev/null 2>&1
      go mod edit "-require=$module@v$version" "${replaces[@]}"
      run_quietly "resolving OpenTofu $version modules" "$work/get.log" \
        go get "$module/cmd/tofu@v$version"
      mkdir -p "$(dirname "$out")"
      run_quietly "building OpenTofu $version" "$work/build.log" \
        nice go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$out.partial" "$module/cmd/tofu"
    )
    mv "$out.partial" "$out"
    rm -rf "$work"
    log info "built OpenTofu $version"
  fi
  mkdir -p "$root/bin"
  ln -sfn "$out" "$root/bin/tofu"
}

build_provider() {
  local source=$1 version=$2 commit=$3
  local namespace=${source%%/*} type=${source#*/}
  local binary="terraform-provider-${type}_v${version}"
  local out="$root/providers/$namespace/$type/$version/$binary"
  if [[ ! -x $out ]]; then
    local archive="$sources_dir/terraform-provider-$type-$version.tar.gz"
    [[ -f $archive ]] || fail "no source archive for provider $source $version: expected $archive"
    local archived
    archived=$(gzip -dc "$archive" | git get-tar-commit-id) || true
    [[ $archived == "$commit" ]] ||
      fail "$archive was made from commit '${archived}', but versions.json pins $source $version to commit $commit"
    log info "building provider $source $version"
    local work
    work=$(mktemp -d "$root/work.XXXXXX")
    tar -xzf "$archive" -C "$work"
    mkdir -p "$(dirname "$out")"
    (
      cd "$work"
      run_quietly "building provider $source $version" "$work/build.log" \
        nice go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$out.partial" .
    )
    mv "$out.partial" "$out"
    rm -rf "$work"
    log info "built provider $source $version"
  fi
  local host target
  target="$(go env GOOS)_$(go env GOARCH)"
  for host in "${mirror_hosts[@]}"; do
    local dir="$root/mirror/$host/$namespace/$type/$version/$target"
    mkdir -p "$dir"
    ln -f "$out" "$dir/$binary"
  done
}

write_cli_config() {
  local config="$root/tofu.rc" wanted
  wanted=$(printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$root/mirror")
  if [[ ! -f $config || $(<"$config") != "$wanted" ]]; then
    printf '%s\n' "$wanted" >"$config"
  fi
}

main() {
  command -v go >/dev/null || fail "go not found on PATH (needed to build OpenTofu and the providers)"
  command -v node >/dev/null || fail "node not found on PATH (needed to read versions.json)"
  command -v git >/dev/null || fail "git not found on PATH (needed to check the provider source archives)"
  mkdir -p "$root"
  # Concurrent callers (CI and a test run) wait for each other instead of building twice.
  exec 9>"$root/.lock"
  flock 9
  # Work directories left by an interrupted run; no other run can be using them while we hold the lock.
  rm -rf "$root"/work.*

  local tofu_version
  tofu_version=$(node -p '
    const { opentofu } = require(process.argv[1]);
    if (!opentofu) throw new Error("versions.json needs \"opentofu\"");
    opentofu' "$versions_file")
  build_tofu "$tofu_version"
  local providers source version commit
  providers=$(node -e '
    const { providers } = require(process.argv[1]);
    for (const [source, p] of Object.entries(providers)) {
      if (!p.version || !p.commit) throw new Error(`versions.json providers["${source}"] needs "version" and "commit"`);
      console.log(source, p.version, p.commit);
    }' "$versions_file")
  while read -r source version commit; do
    build_provider "$source" "$version" "$commit"
  done <<<"$providers"
  write_cli_config

  echo "TOFU_BINARY=$root/bin/tofu"
  echo "TF_CLI_CONFIG_FILE=$root/tofu.rc"
}

main "$@"
