{{/*
Bootstrap of the roles and schemas: files/bootstrap/*.sql are byte-identical copies of
db/bootstrap/*.sql (a chart test checks it) and bootstrap.sh runs them with psql variables.
The official postgres image runs /docker-entrypoint-initdb.d/*.sh once, on an empty data
directory, as the superuser over the local socket; the external-database hook Job runs the
same script over TCP with PGHOST/PGUSER/PGPASSWORD set.
*/}}
{{- define "myhotel.bootstrapFiles" -}}
00-myhotel-bootstrap.sh: |
  #!/bin/bash
  # Creates the auth and hotel roles (db/bootstrap/01-roles.sql) and their schemas
  # (db/bootstrap/02-database.sql) in the application database. Idempotent.
  set -euo pipefail
  : "${AUTH_DB_PASSWORD:?}" "${HOTEL_DB_PASSWORD:?}" "${MYHOTEL_DATABASE:?}"
  sql_dir="${MYHOTEL_BOOTSTRAP_DIR:-/etc/myhotel/bootstrap}"
  admin_db="${MYHOTEL_ADMIN_DATABASE:-$MYHOTEL_DATABASE}"
  psql_args=(--no-psqlrc -v ON_ERROR_STOP=1)
  if [ -n "${POSTGRES_USER:-}" ]; then psql_args+=(--username "$POSTGRES_USER"); fi
  exists="$(echo "SELECT 1 FROM pg_database WHERE datname = :'database'" |
    psql "${psql_args[@]}" --dbname "$admin_db" -v database="$MYHOTEL_DATABASE" -tA)"
  if [ "$exists" != "1" ]; then
    echo 'CREATE DATABASE :"database"' |
      psql "${psql_args[@]}" --dbname "$admin_db" -v database="$MYHOTEL_DATABASE"
  fi
  psql "${psql_args[@]}" --dbname "$admin_db" \
    -v auth_password="$AUTH_DB_PASSWORD" -v hotel_password="$HOTEL_DB_PASSWORD" \
    -f "$sql_dir/01-roles.sql"
  psql "${psql_args[@]}" --dbname "$MYHOTEL_DATABASE" -v database="$MYHOTEL_DATABASE" \
    -f "$sql_dir/02-database.sql"
  echo "myhotel bootstrap: roles auth, hotel and their schemas are in place in $MYHOTEL_DATABASE"
{{- range $path, $_ := .Files.Glob "files/bootstrap/*.sql" }}
{{ base $path }}: |
  {{- $.Files.Get $path | nindent 2 }}
{{- end }}
{{- end -}}
