-- 0203 tenants: cell
--
-- The registry shows the cell a pooled tenant lives in (migration 0114), so `tenant list --cell`
-- and the admin API list a cell's tenants; NULL for a dedicated tenant and before its storage
-- is allocated. Rows written before this column take their tenant's placement.

ALTER TABLE tenantry.tenants ADD COLUMN cell text;
UPDATE tenantry.tenants t SET cell = p.cell FROM tenantry.tenant_placements p WHERE p.tenant_id = t.tenant_id;
CREATE INDEX tenants_by_cell ON tenantry.tenants (cell) WHERE cell IS NOT NULL;
