-- 0101 tenant placements
--
-- Where each tenant's data lives: in the shared (pooled) database under row-level security,
-- or in a database of its own (dedicated), on this cluster or another. A control-plane record,
-- not tenant data: the application reads it to route a tenant's work; operators and the
-- provisioning service write it.

CREATE TABLE tenantry.tenant_placements (
    tenant_id      uuid        PRIMARY KEY,
    isolation      text        NOT NULL CHECK (isolation IN ('pooled', 'dedicated')),
    -- The dedicated database, tenantry_t_<slug>; NULL when pooled.
    database_name  text        CHECK (database_name ~ '^tenantry_t_[a-z0-9_]{1,40}$'),
    -- A libpq URL of the cluster holding it; NULL for this cluster.
    cluster_url    text,
    placed_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((isolation = 'pooled') = (database_name IS NULL)),
    CHECK (isolation = 'dedicated' OR cluster_url IS NULL)
);

GRANT SELECT ON tenantry.tenant_placements TO tenantry_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.tenant_placements TO tenantry_operator;
