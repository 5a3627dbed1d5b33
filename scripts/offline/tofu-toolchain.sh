#!/usr/bin/env bash
# Builds OpenTofu and the Terraform providers the stacks use, without internet, into a cache:
#   bin/tofu, a provider filesystem mirror and tofu.rc (a CLI config that installs only from it).
# Everything comes from the Go module proxy. The proxy refuses the providers' release tags and the
# commits the cdktf bindings were generated for, so each provider is built at a later commit it does
# serve (versions.json "goVersion") and put into the mirror as that commit's release version
# ("mirrorVersion"); the stacks' version constraints ("constraint") admit it.
# Idempotent: a piece whose output exists for its version is not rebuilt. Go's build and module
# caches stay at their defaults, so a rebuild after a version bump is incremental.
# stdout: exactly `TOFU_BINARY=...` and `TF_CLI_CONFIG_FILE=...`; logs (JSON lines) go to stderr.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"
versions_file="$REPO_ROOT/versions.json"
root="$CACHE_ROOT/tofu"
# cdktf writes bare sources such as "kreuzwerker/docker"; tofu resolves those to registry.opentofu.org,
# while configurations written for Terraform name registry.terraform.io. Both resolve to the same builds.
mirror_hosts=(registry.opentofu.org registry.terraform.io)

# Prepares a Go module in the current directory that builds `module` at `version`. `go install
# module@version` refuses modules with replace directives (OpenTofu's replaces hcl/v2) and modules
# whose go.mod declares another path (the docker and random providers still declare their old
# github.com/terraform-providers paths), so this wrapper requires the declared path, replaces it with
# the served one when they differ, and repeats the module's own replaces. Prints the declared path.
init_wrapper_module() {
  local module=$1 version=$2
  local gomod
  gomod=$(go mod download -json "$module@$version" | node -e '
    const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (info.Error) { console.error(info.Error); process.exit(1); }
    console.log(info.GoMod);') || fail "the Go module proxy does not serve $module@$version"
  local declared
  local -a edits
  mapfile -t edits < <(go mod edit -json "$gomod" | node -e '
    const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(mod.Module.Path);
    for (const r of mod.Replace ?? []) {
      if (!r.New.Version) continue;
      const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
      console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
    }')
  declared=${edits[0]}
  edits=("${edits[@]:1}")
  if [[ $declared != "$module" ]]; then
    edits+=("-replace=$declared=$module@$version")
  fi
  go mod init leaderboard-stack/go-build >/dev/null 2>&1
  go mod edit "-require=$declared@$version" "${edits[@]}"
  echo "$declared"
}

build_tofu() {
  local version=$1
  local module=github.com/opentofu/opentofu
  local out="$root/opentofu/$version/tofu"
  if [[ ! -x $out ]]; then
    progress "building OpenTofu $version"
    local work
    work=$(mktemp -d "$root/work.XXXXXX")
    (
      cd "$work"
      init_wrapper_module "$module" "v$version" >/dev/null
      run_quietly "resolving OpenTofu $version modules" "$work/get.log" \
        go get "$module/cmd/tofu@v$version"
      mkdir -p "$(dirname "$out")"
      run_quietly "building OpenTofu $version" "$work/build.log" \
        nice go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$out.partial" "$module/cmd/tofu"
    )
    mv "$out.partial" "$out"
    rm -rf "$work"
    progress "built OpenTofu $version"
  fi
  mkdir -p "$root/bin"
  ln -sfn "$out" "$root/bin/tofu"
}

# Builds one provider at `go_version` and installs it into the mirror as `mirror_version`, the only
# version of that provider the mirror then holds, so a version bump leaves nothing stale behind.
build_provider() {
  local source=$1 mirror_version=$2 go_module=$3 go_version=$4
  local namespace=${source%%/*} type=${source#*/}
  local builds="$root/providers/$namespace/$type"
  local out="$builds/$go_version/terraform-provider-$type"
  if [[ ! -x $out ]]; then
    progress "building provider $source $mirror_version ($go_module@$go_version)"
    local work
    work=$(mktemp -d "$root/work.XXXXXX")
    mkdir -p "$(dirname "$out")"
    (
      cd "$work"
      local package
      package=$(init_wrapper_module "$go_module" "$go_version")
      run_quietly "resolving provider $source modules" "$work/get.log" \
        go get "$package@$go_version"
      run_quietly "building provider $source $mirror_version" "$work/build.log" \
        nice go build -trimpath -ldflags "-s -w -X main.version=$mirror_version" -o "$out.partial" "$package"
    )
    mv "$out.partial" "$out"
    rm -rf "$work"
    progress "built provider $source $mirror_version"
  fi
  local host target old
  target="$(go env GOOS)_$(go env GOARCH)"
  for host in "${mirror_hosts[@]}"; do
    local versions="$root/mirror/$host/$namespace/$type"
    local dir="$versions/$mirror_version/$target"
    mkdir -p "$dir"
    ln -f "$out" "$dir/terraform-provider-${type}_v${mirror_version}"
    for old in "$versions"/*; do
      [[ $old == "$versions/$mirror_version" ]] || rm -rf "$old"
    done
  done
  for old in "$builds"/*; do
    [[ $old == "$builds/$go_version" ]] || rm -rf "$old"
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
  local providers source mirror_version go_module go_version
  providers=$(node -e '
    const { providers } = require(process.argv[1]);
    const keys = ["mirrorVersion", "goModule", "goVersion"];
    for (const [source, p] of Object.entries(providers)) {
      const missing = keys.filter((k) => !p[k]);
      if (missing.length) throw new Error(`versions.json providers["${source}"] needs ${missing.map((k) => `"${k}"`).join(", ")}`);
      console.log(source, ...keys.map((k) => p[k]));
    }' "$versions_file")
  while read -r source mirror_version go_module go_version; do
    build_provider "$source" "$mirror_version" "$go_module" "$go_version"
  done <<<"$providers"
  write_cli_config

  echo "TOFU_BINARY=$root/bin/tofu"
  echo "TF_CLI_CONFIG_FILE=$root/tofu.rc"
}

main "$@"
