-- 0104 single-tenant instance logins
--
-- A single-tenant instance (`tenantry serve --instance`) runs one client's own code (its routes
-- under /x/, its reactions calling out), so it must not hold a credential that reaches other
-- tenants. `tenantry instance deploy` gives each instance a LOGIN role of its own,
-- tenantry_instance_<name>, whose only role membership is tenantry_instance (NOLOGIN, created
-- with the other roles). tenantry_instance holds the grants and row-level security policies
-- below, and every one of them is pinned to the login's own tenant through
-- tenantry.instance_logins, looked up by session_user: SET ROLE does not change session_user
-- and only a superuser can, so acting as tenantry_instance itself gives nothing more.
--
-- In the control plane an instance may read its tenant's registry stream (tenant-<id>), its
-- instance's stream (instance-<id>) and the flag definitions (category flag), and append to its
-- tenant's registry stream only what its tenant's API key may cause: TenantActivated,
-- APIKeyIssued, APIKeyRevoked and PlanChanged to a self-serve plan. It reads no other tenant's
-- rows, pooled or in the control plane, no read model (tenants, placements), no checkpoint.
-- In its tenant's dedicated database `instance deploy` grants the login itself (not the group)
-- what tenant work needs (CONNECT, append_events, checkpoints, snapshots); there too it sees
-- and appends only its own tenant's events.

CREATE TABLE tenantry.instance_logins (
    role_name     text        PRIMARY KEY CHECK (role_name ~ '^tenantry_instance_[a-z0-9_]{1,40}$'),
    tenant_id     uuid        NOT NULL UNIQUE
                  CHECK (tenant_id <> '00000000-0000-0000-0000-000000000000'),
    database_name text        NOT NULL CHECK (database_name ~ '^tenantry_t_[a-z0-9_]{1,40}$'),
    created_at    timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.instance_logins TO tenantry_operator;

-- instance_tenant: the tenant of the session's login when it is an instance's, else NULL.
CREATE FUNCTION tenantry.instance_tenant() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT i.tenant_id FROM tenantry.instance_logins i WHERE i.role_name = session_user::text
$$;

-- instance_login: what `serve --instance` asks at start-up: its tenant and dedicated database.
CREATE FUNCTION tenantry.instance_login(OUT tenant_id uuid, OUT database_name text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT i.tenant_id, i.database_name FROM tenantry.instance_logins i WHERE i.role_name = session_user::text
$$;

-- instance_may_read: whether the session's instance login may see an event or stream row: its
-- own tenant's (unless that tenant's pooled copy is retired: the pool's view of it is empty),
-- or the control plane's streams named above. False for every session that is not an
-- instance's.
CREATE FUNCTION tenantry.instance_may_read(row_tenant uuid, row_stream text) RETURNS boolean
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
                        OR row_stream LIKE 'flag-%'))))
$$;

REVOKE ALL ON FUNCTION tenantry.instance_tenant() FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.instance_login() FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.instance_may_read(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.instance_tenant() TO tenantry_instance, tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.instance_login() TO tenantry_instance;
GRANT EXECUTE ON FUNCTION tenantry.instance_may_read(uuid, text) TO tenantry_instance;

-- The permissive policy lets an instance see what instance_may_read allows (the control
-- plane's rows are no tenant's, so tenant_isolation never shows them); the restrictive one
-- stops tenant_isolation (which applies to every role) from showing it any other tenant's rows
-- whatever tenantry.tenant_id it sets.
CREATE POLICY instance_reads_own ON tenantry.events FOR SELECT TO tenantry_instance
    USING (tenantry.instance_may_read(tenant_id, stream_name));
CREATE POLICY instance_pinned ON tenantry.events AS RESTRICTIVE FOR SELECT TO tenantry_instance
    USING (tenantry.instance_may_read(tenant_id, stream_name));
CREATE POLICY instance_pinned ON tenantry.streams AS RESTRICTIVE FOR SELECT TO tenantry_instance
    USING (tenant_id = tenantry.instance_tenant());
CREATE POLICY instance_pinned ON tenantry.snapshots AS RESTRICTIVE FOR ALL TO tenantry_instance
    USING (tenant_id = tenantry.instance_tenant())
    WITH CHECK (tenant_id = tenantry.instance_tenant());

GRANT USAGE ON SCHEMA tenantry TO tenantry_instance;
GRANT SELECT ON tenantry.events TO tenantry_instance;
-- tenant_isolation's subquery reads retired_pooled_copies with the caller's rights; an instance
-- sees at most its own tenant's row there (as a tenant session does, migration 0103).
GRANT SELECT ON tenantry.retired_pooled_copies TO tenantry_instance;
CREATE POLICY instance_reads_own ON tenantry.retired_pooled_copies FOR SELECT TO tenantry_instance
    USING (tenant_id = tenantry.instance_tenant());
-- /readyz and start-up compare the migrations applied with the release's (nothing secret).
GRANT SELECT ON tenantry.schema_migrations TO tenantry_instance;
GRANT EXECUTE ON FUNCTION tenantry.append_control_events(text, bigint, jsonb) TO tenantry_instance;

-- append_control_events: as before for the operator; an instance's login may append only to its
-- own tenant's registry stream, and only the events its tenant's API key may cause (the
-- self-serve plans are those of Plan.selfServeTargets).
CREATE OR REPLACE FUNCTION tenantry.append_control_events(
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
    IF instance_tenant IS NOT NULL THEN
        IF stream IS DISTINCT FROM 'tenant-' || instance_tenant::text THEN
            RAISE EXCEPTION 'a single-tenant instance appends to the control plane only on its own tenant''s stream tenant-%, not %',
                instance_tenant, coalesce(stream, 'NULL')
                USING ERRCODE = '42501';
        END IF;
        IF jsonb_typeof(events) = 'array' AND EXISTS (
            SELECT 1 FROM jsonb_array_elements(events) AS e(event)
            WHERE NOT (   e.event ->> 'type' IN ('TenantActivated', 'APIKeyIssued', 'APIKeyRevoked')
                       OR (e.event ->> 'type' = 'PlanChanged' AND e.event -> 'data' ->> 'to' IN ('free', 'pro')))
        ) THEN
            RAISE EXCEPTION 'a single-tenant instance may record only TenantActivated, APIKeyIssued, APIKeyRevoked and self-serve PlanChanged events'
                USING ERRCODE = '42501';
        END IF;
    END IF;
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner('00000000-0000-0000-0000-000000000000', stream, expected_version, events) a;
END;
$$;

-- append_events: as before; an instance's login appends only its own tenant's events (it is
-- granted this function in its dedicated database only).
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
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner(append_events.tenant_id, stream, expected_version, events) a;
END;
$$;
