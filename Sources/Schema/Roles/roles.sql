-- Tenantry's roles. Roles belong to the cluster, not to a database, so this runs once per
-- database migrated as a superuser and must not fail when the roles exist, nor when another
-- session creates them at the same moment while migrating another database (the second
-- CREATE ROLE then waits for the first to commit and fails with unique_violation).
--
--   tenantry_owner     owns the schema and everything in it; runs migrations; cannot log in.
--   tenantry_app       the application: owns nothing, no BYPASSRLS, one tenant per transaction.
--   tenantry_operator  operators and the control plane: read every tenant; cannot log in.
--   tenantry_instance  the group of every single-tenant instance's login; cannot log in, and
--                      NOINHERIT, so acting as it gives nothing of a role it may be granted.
-- What each may do in a database is granted by the migrations.

DO $$
BEGIN
    BEGIN
        CREATE ROLE tenantry_owner NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE tenantry_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE tenantry_operator NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE tenantry_instance NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
END
$$;
