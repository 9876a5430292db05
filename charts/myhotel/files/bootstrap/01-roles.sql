-- Cluster-level bootstrap: one login role per service. Idempotent.
-- Run as a superuser with psql variables auth_password and hotel_password, e.g.
--   psql -v auth_password="$AUTH_DB_PASSWORD" -v hotel_password="$HOTEL_DB_PASSWORD" -f 01-roles.sql
-- (the local launcher and the tests substitute the same psql variables).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'auth') THEN
    CREATE ROLE auth LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hotel') THEN
    CREATE ROLE hotel LOGIN;
  END IF;
END
$$;

ALTER ROLE auth WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'auth_password';
ALTER ROLE hotel WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'hotel_password';
