-- 0112 purging a retired tenant's pooled rows
--
-- A tenant moved to a database of its own (0102), or offboarded with an export, leaves its
-- events, streams and snapshots in the shared tables: hidden by row-level security, yet read by
-- a superuser, a backup or a replica. purge_tenant deletes them, and no other path may:
--   * a retired pooled copy (retired_pooled_copies) now also records an offboarding export
--     (moved_to NULL), with the count and checksum the export was taken against; it is the
--     ground for a purge, and appends to such a tenant are refused as for a moved one. The
--     control plane must agree: a moved tenant is placed in that database, or offboarded; an
--     offboarded one has TenantOffboarded on its stream;
--   * the function recomputes the pooled rows' fingerprint (count, and the SHA-256 of every
--     event's stream, version, id, type, data and metadata in stream order, as
--     TenantEventsFingerprint does) and deletes only if it is the verified one; and if an
--     append committed meanwhile, the delete finds more rows than verified and everything is
--     rolled back;
--   * refuse_event_change lets a DELETE of events through only for the owner holding a purge
--     permit, a row purge_tenant writes for its own transaction and tenant and removes before
--     it returns (a guard against every other role and against accidents: the owner, which
--     owns the trigger, is trusted not to drop it). UPDATE, TRUNCATE and every other DELETE
--     stay refused, for every role;
--   * the purge is recorded as TenantPooledEventsPurged on the control plane's tenant-<id>
--     stream (counts, checksum, whether the tenant moved or was offboarded; actor and reason in
--     its metadata), in the same transaction; append_control_events refuses that type, so no
--     service can record one. Feed positions are never reused, so checkpoints stay valid.
-- Only the owner may execute it: an administrator acts as tenantry_owner for it, as for a
-- migration. Error code TY009: nothing verified to purge against, or the rows changed since.

ALTER TABLE tenantry.retired_pooled_copies ALTER COLUMN moved_to DROP NOT NULL;
ALTER TABLE tenantry.retired_pooled_copies ADD COLUMN purged_at timestamptz;

-- The permits purge_tenant holds while it deletes: no role but the owner may touch them.
CREATE TABLE tenantry.purge_permits (
    transaction_id xid8 NOT NULL,
    tenant_id      uuid NOT NULL,
    PRIMARY KEY (transaction_id, tenant_id)
);

-- The owner's own policy on snapshots (0111 gave it one on events and streams): the tenant the
-- transaction is bound to, and only as tenantry_owner itself.
CREATE POLICY owner_purges ON tenantry.snapshots TO tenantry_owner
    USING (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner')
    WITH CHECK (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner');

CREATE OR REPLACE FUNCTION tenantry.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'tenantry_owner'
       AND EXISTS (SELECT FROM tenantry.purge_permits p
                   WHERE p.transaction_id = pg_current_xact_id() AND p.tenant_id = OLD.tenant_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are append-only: % of tenantry.events is not allowed', TG_OP
        USING ERRCODE = 'TY002',
              HINT = 'Append a compensating event instead.';
END;
$$;

-- append_control_events: 0106's, and TenantPooledEventsPurged is purge_tenant's alone.
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
    IF jsonb_typeof(events) = 'array'
       AND EXISTS (SELECT FROM jsonb_array_elements(events) e WHERE e->>'type' = 'TenantPooledEventsPurged') THEN
        RAISE EXCEPTION 'TenantPooledEventsPurged is recorded by tenantry.purge_tenant alone' USING ERRCODE = 'TY004';
    END IF;
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

CREATE FUNCTION tenantry.purge_tenant(
    tenant_id            uuid,
    actor                text,
    reason               text,
    OUT purged_events    bigint,
    OUT purged_streams   bigint,
    OUT purged_snapshots bigint,
    OUT checksum         text
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    control_plane constant uuid := '00000000-0000-0000-0000-000000000000';
    stream        constant text := 'tenant-' || purge_tenant.tenant_id::text;
    caller_tenant text := current_setting('tenantry.tenant_id', true);
    verified      record;
    offboarded    boolean;
    pooled_count  bigint;
    pooled_sum    text;
BEGIN
    IF purge_tenant.tenant_id IS NULL OR purge_tenant.tenant_id = control_plane THEN
        RAISE EXCEPTION 'the control plane''s events are never purged' USING ERRCODE = 'TY008';
    END IF;
    IF coalesce(btrim(actor), '') = '' OR coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a purge needs an actor and a reason' USING ERRCODE = 'TY004';
    END IF;
    SELECT r.moved_to, r.event_count, r.checksum, r.purged_at INTO verified
    FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = purge_tenant.tenant_id
    FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % has no verified copy: only a tenant moved to a database of its own or offboarded with an export can be purged', purge_tenant.tenant_id
            USING ERRCODE = 'TY009';
    END IF;

    PERFORM set_config('tenantry.tenant_id', control_plane::text, true);
    offboarded := EXISTS (SELECT FROM tenantry.events e
                          WHERE e.tenant_id = control_plane AND e.stream_name = stream AND e.event_type = 'TenantOffboarded');
    IF NOT offboarded AND (verified.moved_to IS NULL OR NOT EXISTS (
           SELECT FROM tenantry.tenant_placements p
           WHERE p.tenant_id = purge_tenant.tenant_id AND p.isolation = 'dedicated' AND p.database_name = verified.moved_to)) THEN
        RAISE EXCEPTION 'tenant % is neither offboarded nor placed in the database its copy moved to: nothing was purged', purge_tenant.tenant_id
            USING ERRCODE = 'TY009';
    END IF;

    PERFORM set_config('tenantry.tenant_id', purge_tenant.tenant_id::text, true);
    SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(
               e.stream_name || '/' || e.stream_version || '/' || e.event_id || '/' || e.event_type || '/'
               || e.data::text || '/' || e.metadata::text, E'\n' ORDER BY e.stream_name, e.stream_version), ''), 'UTF8')), 'hex')
    INTO pooled_count, pooled_sum
    FROM tenantry.events e WHERE e.tenant_id = purge_tenant.tenant_id;
    checksum := verified.checksum;
    purged_events := 0;
    purged_streams := 0;
    purged_snapshots := 0;
    IF verified.purged_at IS NOT NULL AND pooled_count = 0 THEN
        -- Purged before: nothing left, nothing recorded again.
        PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
        RETURN;
    END IF;
    IF pooled_count <> verified.event_count OR pooled_sum <> verified.checksum THEN
        RAISE EXCEPTION 'tenant %''s pooled events (% events, sha256 %) are not the verified copy (% events, sha256 %): nothing was purged',
            purge_tenant.tenant_id, pooled_count, left(pooled_sum, 12), verified.event_count, left(verified.checksum, 12)
            USING ERRCODE = 'TY009';
    END IF;

    INSERT INTO tenantry.purge_permits (transaction_id, tenant_id) VALUES (pg_current_xact_id(), purge_tenant.tenant_id);
    DELETE FROM tenantry.snapshots s WHERE s.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_snapshots = ROW_COUNT;
    DELETE FROM tenantry.events e WHERE e.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_events = ROW_COUNT;
    IF purged_events <> verified.event_count THEN
        -- An append that passed the retired check before the retirement committed landed since
        -- the fingerprint: it was never copied or exported. Nothing is purged.
        RAISE EXCEPTION 'tenant % got % events after its copy was verified (% then): nothing was purged',
            purge_tenant.tenant_id, purged_events - verified.event_count, verified.event_count
            USING ERRCODE = 'TY009';
    END IF;
    DELETE FROM tenantry.streams s WHERE s.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_streams = ROW_COUNT;
    DELETE FROM tenantry.purge_permits p WHERE p.transaction_id = pg_current_xact_id();

    UPDATE tenantry.retired_pooled_copies r SET purged_at = now() WHERE r.tenant_id = purge_tenant.tenant_id;
    PERFORM set_config('tenantry.tenant_id', '', true);
    PERFORM tenantry.append_events_as_owner(
        control_plane, stream, NULL,
        jsonb_build_array(jsonb_build_object(
            'id', gen_random_uuid(),
            'type', 'TenantPooledEventsPurged',
            'data', jsonb_build_object(
                'events', purged_events, 'streams', purged_streams, 'snapshots', purged_snapshots,
                'checksum', verified.checksum,
                'basis', CASE WHEN verified.moved_to IS NULL THEN 'offboarded' ELSE 'moved' END),
            'metadata', jsonb_build_object('actor', actor, 'reason', reason))));
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
END;
$$;

REVOKE ALL ON FUNCTION tenantry.purge_tenant(uuid, text, text) FROM PUBLIC;
