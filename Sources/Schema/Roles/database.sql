-- What one database needs before its first migration, run as a superuser after roles.sql:
-- the application may connect (and make temporary tables), the schema owner may make the
-- session's staging table for batch appends (0108) even where PUBLIC may not make temporary
-- tables (a dedicated tenant's database), and the schema every Tenantry
-- object lives in exists, owned by tenantry_owner (so the migrations, run as the owner, may
-- create in it). Idempotent; concurrent runs in one database are kept apart by the migrator's
-- advisory lock.

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO tenantry_app', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO tenantry_owner', current_database());
END
$$;
CREATE SCHEMA IF NOT EXISTS tenantry AUTHORIZATION tenantry_owner;
