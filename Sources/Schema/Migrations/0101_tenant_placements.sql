-- 0101 tenant placements
--
-- Where each tenant's data lives: in the shared (pooled) database under row-level security,
-- or in a database of its own (dedicated), on this cluster or another. A control-plane record,
-- not tenant data: operators and the provisioning service read and write it (the application
-- never sees it: a cluster URL may name hosts and users).

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

GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.tenant_placements TO tenantry_operator;
