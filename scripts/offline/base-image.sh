#!/usr/bin/env bash
# Builds the Debian base image of the stand-in images without a registry: debootstrap a minimal
# root filesystem and `docker import` it as leaderboard-standin/debian:<suite>. The root filesystem
# is kept as a tarball in the cache, so a lost image is re-imported without a new debootstrap.
# Prints nothing when the image exists.
#
#   scripts/offline/base-image.sh [SUITE]    (default: versions.json debianSuite)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../images/standins/lib.sh"

SUITE=${1:-$(version debianSuite)}
IMAGE="leaderboard-standin/debian:$SUITE"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
WORK_DIR="$CACHE_ROOT/base-image"
TARBALL="$WORK_DIR/debian-$SUITE-rootfs.tar"

docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
# The set-up builds stand-ins and kind's node image side by side: one debootstrap per suite at a time.
mkdir -p "$WORK_DIR"
exec 9>"$WORK_DIR/$SUITE.lock"
flock -w 1800 9 || fail "timed out waiting for another base-image.sh of $SUITE"
docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
command -v debootstrap >/dev/null || fail "debootstrap is not installed; run scripts/offline/docker-engine.sh first"

if [ ! -s "$TARBALL" ]; then
  mkdir -p "$WORK_DIR"
  rootfs="$WORK_DIR/rootfs-$SUITE"
  rm -rf "$rootfs"
  progress "debootstrap --variant=minbase $SUITE from $MIRROR"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK_DIR/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK_DIR/debootstrap.log" >&2; fail "debootstrap failed; see $WORK_DIR/debootstrap.log"; }

  # Same shape as the official slim Debian images: point releases and security updates in the
  # sources, no documentation or man pages, no apt caches left in layers.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
SLIM
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Install-Recommends "false";
CLEAN
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --numeric-owner -cf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
  rm -rf "$rootfs"
fi

progress "docker import $IMAGE"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  "$TARBALL" "$IMAGE" >/dev/null
progress "built $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
