# shellcheck shell=bash
# Static Go builds from the Go module proxy for the offline toolchain: a wrapper module that requires
# the wanted module (and repeats its replaces), built into a cache directory that is replaced whole.
# Sourced, never run; expects images/standins/lib.sh sourced first and BUILD_ROOT set.

# go_wrapper MODULE VERSION [STAGING_VERSION]: makes the current directory a Go module that requires
# MODULE@VERSION and repeats its versioned replaces (`go install module@version` refuses modules that
# have any). Replaces into the module's own tree (Kubernetes' staging modules) point at their
# published releases, STAGING_VERSION.
go_wrapper() {
  local module=$1 module_version=$2 staging_version=${3:-}
  local gomod
  gomod=$(go mod download -json "$module@$module_version" | node -e '
    const info = JSON.parse(require("fs").readFileSync(0, "utf8"));
    if (info.Error) { console.error(info.Error); process.exit(1); }
    console.log(info.GoMod);') || fail "the Go module proxy does not serve $module@$module_version"
  local -a edits
  mapfile -t edits < <(go mod edit -json "$gomod" | node -e '
    const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const staging = process.argv[1];
    for (const r of mod.Replace ?? []) {
      const old = r.Old.Version ? `${r.Old.Path}@${r.Old.Version}` : r.Old.Path;
      if (r.New.Version) console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
      else if (staging) console.log(`-replace=${old}=${r.Old.Path}@${staging}`);
    }' "$staging_version")
  go mod init leaderboard-stack/k8s-build >/dev/null 2>&1
  go mod edit "-require=$module@$module_version" "${edits[@]}"
}

# go_build WHAT OUT_DIR MODULE VERSION STAGING_VERSION LDFLAGS PACKAGE...: builds static binaries
# into OUT_DIR (replaced whole, so a half-built directory is never used).
go_build() {
  local what=$1 out=$2 module=$3 module_version=$4 staging=$5 ldflags=$6
  shift 6
  local started=$SECONDS work
  mkdir -p "$BUILD_ROOT"
  work=$(mktemp -d "$BUILD_ROOT/work.XXXXXX")
  progress "building $what (cold builds take minutes)"
  (
    cd "$work"
    go_wrapper "$module" "$module_version" "$staging"
    run_quietly "resolving $what modules" "$work/get.log" go get "${@/%/@$module_version}"
    mkdir -p bin
    run_quietly "building $what" "$work/build.log" \
      env CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "-s -w $ldflags" -o bin/ "$@"
  )
  rm -rf "$out"
  mkdir -p "$(dirname "$out")"
  mv "$work/bin" "$out"
  rm -rf "$work"
  progress "built $what in $((SECONDS - started)) s"
}
