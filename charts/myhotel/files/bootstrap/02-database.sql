-- Database-level bootstrap: extensions and one schema per service, owned by that
-- service's role. Idempotent. Run as a superuser connected to the application database.
-- Each role's default search_path ("$user", public) resolves to its own schema.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

CREATE SCHEMA IF NOT EXISTS auth AUTHORIZATION auth;
CREATE SCHEMA IF NOT EXISTS hotel AUTHORIZATION hotel;

-- Neither service may read the other's tables, nor create objects in public.
REVOKE ALL ON SCHEMA auth FROM PUBLIC;
REVOKE ALL ON SCHEMA hotel FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO auth, hotel;
