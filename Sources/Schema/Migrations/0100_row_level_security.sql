-- 0100 row-level security
--
-- Every tenant-owned table shows and accepts only the rows of the transaction's tenant, the
-- setting tenantry.tenant_id (set per transaction with set_config(…, true)). A missing or
-- empty setting matches no row: fail closed, silently, not with an error that leaks.
-- FORCE makes the rules bind the tables' owner too (so also append_events, SECURITY DEFINER).
--
-- tenantry_operator (NOLOGIN; operators and control-plane services act as it) may read every
-- tenant's rows: the all-tenant event feed, audits, projections of the control plane. It cannot
-- write tenant rows except through append_events.

-- current_tenant: the transaction's tenant, or NULL when none is set. The control plane's
-- reserved id (the nil UUID) never counts as one: its rows are the operator's alone.
CREATE FUNCTION tenantry.current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(nullif(current_setting('tenantry.tenant_id', true), ''), '00000000-0000-0000-0000-000000000000')::uuid
$$;
GRANT EXECUTE ON FUNCTION tenantry.current_tenant() TO tenantry_app, tenantry_operator;

ALTER TABLE tenantry.events    ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenantry.events    FORCE ROW LEVEL SECURITY;
ALTER TABLE tenantry.streams   ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenantry.streams   FORCE ROW LEVEL SECURITY;
ALTER TABLE tenantry.snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenantry.snapshots FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON tenantry.events
    USING (tenant_id = tenantry.current_tenant())
    WITH CHECK (tenant_id = tenantry.current_tenant());
CREATE POLICY tenant_isolation ON tenantry.streams
    USING (tenant_id = tenantry.current_tenant())
    WITH CHECK (tenant_id = tenantry.current_tenant());
CREATE POLICY tenant_isolation ON tenantry.snapshots
    USING (tenant_id = tenantry.current_tenant())
    WITH CHECK (tenant_id = tenantry.current_tenant());

-- The owner works on the control plane's rows only inside append_control_events, which sets
-- the reserved id as its context; nobody else can act as the owner.
CREATE POLICY control_plane ON tenantry.events TO tenantry_owner
    USING (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000')
    WITH CHECK (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000');
CREATE POLICY control_plane ON tenantry.streams TO tenantry_owner
    USING (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000')
    WITH CHECK (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000');

CREATE POLICY operator_reads_all ON tenantry.events    FOR SELECT TO tenantry_operator USING (true);
CREATE POLICY operator_reads_all ON tenantry.streams   FOR SELECT TO tenantry_operator USING (true);
CREATE POLICY operator_reads_all ON tenantry.snapshots FOR SELECT TO tenantry_operator USING (true);

GRANT USAGE ON SCHEMA tenantry TO tenantry_operator;
GRANT SELECT ON tenantry.events, tenantry.streams, tenantry.snapshots TO tenantry_operator;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.checkpoints TO tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.append_events(uuid, text, bigint, jsonb) TO tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.append_control_events(text, bigint, jsonb) TO tenantry_operator;
