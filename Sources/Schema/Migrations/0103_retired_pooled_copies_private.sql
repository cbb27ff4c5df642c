-- 0103 retired pooled copies are private
--
-- The policies of 0102 ask `retired_pooled_copies` whether a row's tenant moved away, and a
-- policy's subquery runs with the caller's rights, so 0102 let tenantry_app read the table;
-- without row-level security that let any tenant's session list every tenant that moved to a
-- database of its own. Now a tenant session sees at most its own row (all the policies on
-- events and streams ever ask of it, since they only show the session's own tenant anyway),
-- and no row when no tenant is set. The operator keeps reading and recording every move; the
-- owner (the SECURITY DEFINER append functions) is not bound, as the table is not FORCEd.

ALTER TABLE tenantry.retired_pooled_copies ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_reads_own ON tenantry.retired_pooled_copies
    FOR SELECT TO tenantry_app
    USING (tenant_id = tenantry.current_tenant());

CREATE POLICY operator_records_moves ON tenantry.retired_pooled_copies
    TO tenantry_operator
    USING (true)
    WITH CHECK (true);
