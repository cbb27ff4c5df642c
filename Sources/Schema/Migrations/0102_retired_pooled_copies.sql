-- 0102 retired pooled copies
--
-- A pooled tenant moved to a database of its own (a single-tenant instance) leaves its events
-- in the shared tables: events are append-only for every role, so they cannot be deleted.
-- Instead the move records here that the pooled copy is retired, with the count and checksum it
-- was verified against, and row-level security hides a retired tenant's pooled rows from the
-- application and the operator alike: from then on the pool's view of that tenant is empty and
-- its only copy in use is the dedicated one. (A DBA may purge the rows offline; nothing reads them.)

CREATE TABLE tenantry.retired_pooled_copies (
    tenant_id     uuid        PRIMARY KEY,
    moved_to      text        NOT NULL CHECK (moved_to ~ '^tenantry_t_[a-z0-9_]{1,40}$'),
    event_count   bigint      NOT NULL CHECK (event_count >= 0),
    checksum      text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    retired_at    timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT ON tenantry.retired_pooled_copies TO tenantry_operator;
GRANT SELECT ON tenantry.retired_pooled_copies TO tenantry_app;

ALTER POLICY tenant_isolation ON tenantry.events
    USING (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = events.tenant_id))
    WITH CHECK (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = events.tenant_id));
ALTER POLICY tenant_isolation ON tenantry.streams
    USING (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = streams.tenant_id))
    WITH CHECK (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = streams.tenant_id));
ALTER POLICY operator_reads_all ON tenantry.events
    USING (NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = events.tenant_id));
ALTER POLICY operator_reads_all ON tenantry.streams
    USING (NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = streams.tenant_id));
