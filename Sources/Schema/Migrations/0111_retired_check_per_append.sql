-- 0111 the retired check, once per append
--
-- Row security made every statement of an append ask retired_pooled_copies whether the tenant
-- had moved to a database of its own: tenant_isolation (which binds the schema owner too, so
-- the SECURITY DEFINER append functions) carried the check in USING and WITH CHECK, and the
-- stream row's upsert alone evaluates three of those policies (its insert's check, the
-- existing row's USING and the update's check). Each is a subquery the executor sets up and
-- runs afresh, statement by statement: with 16 writers, pgbench calling append_events went
-- from about 4,450 to 5,150 appends a second without them (Docs/decisions.md, 22).
--
-- Now the check is asked once per append, by the functions that write: append_events (below)
-- and append_staged_events (0110) refuse a retired tenant (42501) before they touch a row. The
-- functions run as the owner, which gets a policy of its own with the tenant match alone; it
-- names current_user too, so a login that is only a member of tenantry_owner (a migration's,
-- an operator's in some deployments) is not given it, and writes or reads tenant rows, if at
-- all, under tenant_isolation as before. tenant_isolation, unchanged, now names the roles
-- whose privileges every reader of these tables has (tenantry_app, tenantry_operator, and
-- tenantry_instance, of which instance logins are members), so what it shows each of them, and
-- the plans of their reads, are 0109's. append_control_events writes only the control plane's
-- rows, which are no tenant's and never retired. Snapshots keep 0109's policies (tenantry_app
-- writes them directly).

ALTER POLICY tenant_isolation ON tenantry.events TO tenantry_app, tenantry_operator, tenantry_instance;
ALTER POLICY tenant_isolation ON tenantry.streams TO tenantry_app, tenantry_operator, tenantry_instance;

CREATE POLICY owner_appends ON tenantry.events TO tenantry_owner
    USING (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner')
    WITH CHECK (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner');
CREATE POLICY owner_appends ON tenantry.streams TO tenantry_owner
    USING (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner')
    WITH CHECK (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner');

-- append_events: 0104's, and a retired tenant is refused.
CREATE OR REPLACE FUNCTION tenantry.append_events(
    tenant_id        uuid,
    stream           text,
    expected_version bigint,
    events           jsonb,
    OUT stream_version bigint,
    OUT positions     bigint[]
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    instance_tenant uuid := tenantry.instance_tenant();
BEGIN
    IF append_events.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
        RAISE EXCEPTION 'tenant 00000000-0000-0000-0000-000000000000 is reserved for the control plane'
            USING ERRCODE = 'TY008', HINT = 'Control-plane events are appended by tenantry_operator with append_control_events.';
    END IF;
    IF instance_tenant IS NOT NULL AND append_events.tenant_id IS DISTINCT FROM instance_tenant THEN
        RAISE EXCEPTION 'a single-tenant instance appends only its own tenant''s events (%), not %', instance_tenant, append_events.tenant_id
            USING ERRCODE = 'TY007';
    END IF;
    IF EXISTS (SELECT FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = append_events.tenant_id) THEN
        RAISE EXCEPTION 'tenant % has moved to a database of its own: its pooled copy is retired and takes no more events', append_events.tenant_id
            USING ERRCODE = '42501', HINT = 'Append through the tenant''s own instance.';
    END IF;
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner(append_events.tenant_id, stream, expected_version, events) a;
END;
$$;
