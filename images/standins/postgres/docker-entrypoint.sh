#!/usr/bin/env bash
# Entrypoint with the official postgres image's contract:
# - POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is required on first start, unless
#   POSTGRES_HOST_AUTH_METHOD=trust; POSTGRES_USER (default postgres), POSTGRES_DB (default: the
#   user) and POSTGRES_INITDB_ARGS likewise accept a *_FILE variant; POSTGRES_INITDB_WALDIR;
#   POSTGRES_HOST_AUTH_METHOD (default: the server's password_encryption, scram-sha-256);
# - an empty $PGDATA is initialised once: initdb, `host all all all <method>` in pg_hba.conf, the
#   database created, then /docker-entrypoint-initdb.d/* in name order (*.sh executed when
#   executable, sourced otherwise; *.sql, *.sql.gz, *.sql.xz, *.sql.zst fed to psql with
#   ON_ERROR_STOP) against a server that listens on the Unix socket only;
# - the server then runs in the foreground listening on all addresses; started as root, it drops
#   to the postgres user first.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from the environment or from the file named by VAR_FILE, not both.
file_env() {
  local var=$1 file_var="${1}_FILE" default=${2:-}
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    echo "error: both $var and $file_var are set (but are exclusive)" >&2
    exit 1
  fi
  local value=$default
  if [ -n "${!var:-}" ]; then
    value=${!var}
  elif [ -n "${!file_var:-}" ]; then
    value=$(<"${!file_var}")
  fi
  export "$var"="$value"
  unset "$file_var"
}

create_directories() {
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" 2>/dev/null || :
  mkdir -p /var/run/postgresql
  chmod 03775 /var/run/postgresql 2>/dev/null || :
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    chmod 700 "$POSTGRES_INITDB_WALDIR" 2>/dev/null || :
  fi
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql ${POSTGRES_INITDB_WALDIR:+"$POSTGRES_INITDB_WALDIR"}
  fi
}

read_settings() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
}

require_password() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
    cat >&2 <<'MSG'
Error: Database is uninitialized and superuser password is not specified.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value for the superuser,
       or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password
       (not recommended).
MSG
    exit 1
  fi
}

init_database_dir() {
  local waldir=()
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    waldir=(--waldir "$POSTGRES_INITDB_WALDIR")
  fi
  # The password file is a pipe that lives only as long as this one command.
  # POSTGRES_INITDB_ARGS holds several words, as in the official image.
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") "${waldir[@]}" $POSTGRES_INITDB_ARGS
  # Remote clients authenticate the way passwords are stored (scram-sha-256 unless initdb was told otherwise).
  : "${POSTGRES_HOST_AUTH_METHOD:=$(postgres -C password_encryption)}"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

run_sql() {
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc \
    --dbname "${SQL_DB:-$POSTGRES_DB}" "$@"
}

run_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        # shellcheck source=/dev/null
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; run_sql -f "$f" ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | run_sql ;;
      *.sql.xz) echo "$0: running $f"; xzcat "$f" | run_sql ;;
      *.sql.zst) echo "$0: running $f"; zstd -dc "$f" | run_sql ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

first_start() {
  require_password
  init_database_dir
  export PGPASSWORD="$POSTGRES_PASSWORD"
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    if [ -z "$(SQL_DB=postgres run_sql -tA --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" ]; then
      SQL_DB=postgres run_sql --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
  fi
  run_init_files
  PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo "PostgreSQL init process complete; ready for start up."
}

# Options alone (`-c x=y`) are options of postgres, as in the official image.
if [ "${1:0:1}" = - ]; then
  set -- postgres "$@"
fi

if [ "$1" = postgres ]; then
  create_directories
  if [ "$(id -u)" = 0 ]; then
    exec gosu postgres "$0" "$@"
  fi
  read_settings
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    first_start
  fi
fi

exec "$@"
