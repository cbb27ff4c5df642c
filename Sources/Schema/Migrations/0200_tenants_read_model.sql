-- 0200 tenants read model
--
-- The tenant registry as operators and the server query it: one row per tenant, a projection
-- of the tenant-<id> streams (kept by the projection "tenants", rebuilt by
-- `tenantry tenant rebuild`). Control-plane data: tenantry_operator's only (it holds every
-- tenant's name and email).

CREATE TABLE tenantry.tenants (
    tenant_id      uuid        PRIMARY KEY,
    slug           text        NOT NULL UNIQUE,
    name           text        NOT NULL,
    email          text        NOT NULL,
    state          text        NOT NULL CHECK (state IN ('provisioning', 'active', 'suspended', 'offboarded', 'failed')),
    plan           text        NOT NULL,
    isolation      text        NOT NULL CHECK (isolation IN ('pooled', 'dedicated')),
    trial_ends_at  timestamptz,
    failure_reason text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        bigint      NOT NULL
);
CREATE INDEX tenants_state_plan ON tenantry.tenants (state, plan);

GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.tenants TO tenantry_operator;
