-- 0105 retired snapshots
--
-- 0102 hid a retired tenant's pooled events and streams (the tenant moved to a database of its
-- own) from the application and the operator, but not its snapshots: they stayed readable and
-- writable, a second live copy of state that must have one. The snapshot policies now ask
-- `retired_pooled_copies` as the event policies do (0103 keeps that table private).
--
-- The control plane's snapshots (the nil tenant) are the operator's, as its events are: the
-- tenant aggregate and the registry fold the `tenant-<id>` streams from snapshots (decision
-- 13), so tenantry_operator may now write snapshots, but only the control plane's and only in
-- a transaction bound to it. Every other tenant's snapshots it may still only read: the tenant
-- policy, which let any role write the context tenant's rows, is now tenantry_app's alone
-- (nothing else wrote snapshots).

ALTER POLICY tenant_isolation ON tenantry.snapshots TO tenantry_app
    USING (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = snapshots.tenant_id))
    WITH CHECK (tenant_id = tenantry.current_tenant()
           AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = snapshots.tenant_id));
ALTER POLICY operator_reads_all ON tenantry.snapshots
    USING (NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = snapshots.tenant_id));

CREATE POLICY control_plane ON tenantry.snapshots TO tenantry_operator
    USING (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000')
    WITH CHECK (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000');

GRANT INSERT, UPDATE, DELETE ON tenantry.snapshots TO tenantry_operator;
