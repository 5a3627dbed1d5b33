#!/usr/bin/env bash
# Debian packages the tests use: PostgreSQL server (host fixtures), Chromium (browser tests),
# Docker engine and debootstrap (real deploys; installed by docker-engine.sh), JDK and Maven, openssl
# (the external-services test's throw-away certificates).
set -euo pipefail
packages=(postgresql chromium openjdk-17-jdk-headless maven curl ca-certificates openssl)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  # The tests start their own PostgreSQL servers; Debian's default cluster on port 5432 is not wanted.
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf ||
    echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
