-- 0002 schema migrations readable by operators
--
-- A server's readiness check (`/readyz`) compares the migrations it knows with those applied;
-- it reads as tenantry_operator, which may see which versions ran (nothing secret) but never
-- change them.

GRANT SELECT ON tenantry.schema_migrations TO tenantry_operator;
