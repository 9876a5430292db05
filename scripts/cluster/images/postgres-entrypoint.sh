#!/usr/bin/env bash
# Entrypoint of the cluster test's PostgreSQL image (scripts/cluster/images/postgres.ts). It
# honours what charts/myhotel uses of the official postgres image's entrypoint, and nothing more:
#   - arguments that start with "-" are flags of `postgres` (the chart passes `-c name=value`);
#   - POSTGRES_PASSWORD (required on an empty data directory), POSTGRES_USER (postgres),
#     POSTGRES_DB (the user name), POSTGRES_INITDB_ARGS, PGDATA (may be a subdirectory of the
#     volume, created here);
#   - on an empty data directory: initdb, password authentication for TCP clients, then the
#     files of /docker-entrypoint-initdb.d run once against a server listening only on its
#     socket (*.sh executed when executable, else sourced; *.sql through psql);
#   - it runs as the user the pod asks for (999 in the chart) and never needs root.
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" != 'postgres' ]; then exec "$@"; fi

: "${PGDATA:?PGDATA must be set}"
export POSTGRES_USER="${POSTGRES_USER:-postgres}"
export POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
mkdir -p "$PGDATA"
chmod 700 "$PGDATA" || :

run_sql() {
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo 'error: the data directory is empty and POSTGRES_PASSWORD is not set' >&2
    exit 1
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of flags
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}
  # The socket folder of the official image (this server was compiled with /tmp; initdb writes
  # the compiled default into postgresql.conf, so the setting is appended after it).
  printf "\nunix_socket_directories = '/var/run/postgresql'\n" >> "$PGDATA/postgresql.conf"
  # TCP clients authenticate with the server's password_encryption (scram-sha-256 by default).
  auth="$(postgres -C password_encryption "${@:2}")"
  printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

  export PGPASSWORD="$POSTGRES_PASSWORD"
  pg_ctl -D "$PGDATA" -w start -o "$(printf '%q ' "${@:2}" -c listen_addresses='')"
  if [ -z "$(run_sql --dbname postgres --tuples-only --set db="$POSTGRES_DB" <<< "SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
    run_sql --dbname postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db"'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        echo "entrypoint: running $f"
        if [ -x "$f" ]; then "$f"; else
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql)
        echo "entrypoint: running $f"
        run_sql --dbname "$POSTGRES_DB" -f "$f"
        ;;
      *) if [ -e "$f" ]; then echo "entrypoint: ignoring $f"; fi ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo 'entrypoint: PostgreSQL init process complete'
fi

exec "$@"
