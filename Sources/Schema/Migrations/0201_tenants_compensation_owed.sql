-- 0201 tenants: compensation owed
--
-- A failed tenant whose failure left a compensation to do that could not run yet (its
-- dedicated database to drop on a cluster that was out of reach): the provisioning runner
-- looks for these, with the tenants still provisioning, and runs the saga for them again.
-- Rows written before this column were failed only after every compensation was done.

ALTER TABLE tenantry.tenants ADD COLUMN compensation_owed boolean NOT NULL DEFAULT false;
CREATE INDEX tenants_needing_provisioning ON tenantry.tenants (tenant_id)
    WHERE state = 'provisioning' OR compensation_owed;
