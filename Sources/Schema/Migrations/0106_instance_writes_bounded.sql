-- 0106 instance writes bounded
--
-- 0104 let an instance's login record a PlanChanged to `pro` and any number of key changes on
-- its tenant's stream, checked only by the server's code; but the login belongs to the process
-- that runs the client's own code, which may call the function directly. Now the database
-- holds the line: an instance may move its tenant only to the free plan (a paid plan is
-- authorised by the payment hook of a pooled server, never by an instance), and at most 120 key
-- and plan changes a day (the tenant API's caps). A permissive snapshot policy lets the login
-- use its own tenant's snapshots in its dedicated database (0104's policy there is restrictive
-- only, and 0105 gave the tenant policy to tenantry_app alone).

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
                       OR (e.event ->> 'type' = 'PlanChanged' AND e.event -> 'data' ->> 'to' = 'free'))
        ) THEN
            RAISE EXCEPTION 'a single-tenant instance may record only TenantActivated, APIKeyIssued, APIKeyRevoked and a PlanChanged to free'
                USING ERRCODE = '42501';
        END IF;
        -- The tenant API's per-day caps (TenantDailyCaps.standard, 100 key and 20 plan
        -- changes), held here too: the login could append without the server.
        IF (SELECT count(*) FROM tenantry.events ev
            WHERE ev.tenant_id = '00000000-0000-0000-0000-000000000000' AND ev.stream_name = stream
              AND ev.event_type IN ('APIKeyIssued', 'APIKeyRevoked', 'PlanChanged')
              AND ev.recorded_at >= date_trunc('day', now(), 'UTC'))
           + (SELECT count(*) FROM jsonb_array_elements(CASE WHEN jsonb_typeof(events) = 'array' THEN events ELSE '[]' END) AS e(event)
              WHERE e.event ->> 'type' IN ('APIKeyIssued', 'APIKeyRevoked', 'PlanChanged')) > 120
        THEN
            RAISE EXCEPTION 'a single-tenant instance may record at most 120 key and plan changes of its tenant a day'
                USING ERRCODE = '54000';
        END IF;
    END IF;
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner('00000000-0000-0000-0000-000000000000', stream, expected_version, events) a;
END;
$$;

CREATE POLICY instance_own ON tenantry.snapshots FOR ALL TO tenantry_instance
    USING (tenant_id = tenantry.instance_tenant())
    WITH CHECK (tenant_id = tenantry.instance_tenant());
