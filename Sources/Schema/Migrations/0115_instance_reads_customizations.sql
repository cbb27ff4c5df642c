-- 0115 instance reads customizations
--
-- A single-tenant instance may run a WebAssembly customization: a module installed on the
-- platform without a release, recorded on the control plane's customization-<id> stream (one
-- CustomizationModuleInstalled event per version, the bytes in the event). The instance loads
-- its module at start-up with its own login, checks the bytes against the sha256 its deployment
-- recorded, and compiles them before it serves: so its login must read those streams.
--
-- instance_may_read (0104, unchanged since) gains one control-plane term: streams whose name
-- starts with customization-. A module is the platform's code, installed by an operator; it holds
-- no tenant's data, so every instance may read every module. Nothing else becomes readable:
-- other tenants' rows, the control plane's other streams (another tenant's registry or instance
-- stream, admin tokens, cells; a stream merely containing the word, such as
-- tenantcustomization-x) stay hidden, and the function stays false for every session that is
-- not an instance's. LIKE's only wildcard here is the final %: the prefix has no _ or %.

CREATE OR REPLACE FUNCTION tenantry.instance_may_read(row_tenant uuid, row_stream text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM tenantry.instance_logins i
        WHERE i.role_name = session_user::text
          AND (   (row_tenant = i.tenant_id
                   AND NOT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = i.tenant_id))
               OR (row_tenant = '00000000-0000-0000-0000-000000000000'
                   AND (row_stream = 'tenant-' || i.tenant_id::text
                        OR row_stream = 'instance-' || i.tenant_id::text
                        OR row_stream LIKE 'flag-%'
                        OR row_stream LIKE 'customization-%'))))
$$;
