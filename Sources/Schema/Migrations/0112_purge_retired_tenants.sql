-- 0112 purging a retired tenant's pooled rows
--
-- A tenant moved to a database of its own (0102), or offboarded with an export, leaves its
-- events, streams and snapshots in the shared tables: hidden by row-level security, yet read by
-- a superuser, a backup or a replica. purge_tenant deletes them, and nothing else may:
--   * a retired pooled copy (retired_pooled_copies) now also records an offboarding export
--     (moved_to NULL), with the count and checksum the export was taken against; it is the
--     only ground for a purge, and appends to such a tenant are refused as for a moved one;
--   * the function recomputes the pooled rows' fingerprint (count, and the SHA-256 of every
--     event's stream, version, id, type, data and metadata in stream order, as
--     TenantEventsFingerprint does) and deletes only if it is still the verified one;
--   * refuse_event_change lets a DELETE of events through only inside purge_tenant (on the
--     call stack, as the owner, with tenantry.purging set to the row's tenant, a retired one):
--     UPDATE, TRUNCATE and every other DELETE stay refused, for every role;
--   * the purge is recorded as TenantPooledEventsPurged on the control plane's tenant-<id>
--     stream (counts, checksum, whether the tenant moved or was offboarded; actor and reason in
--     its metadata), in the same transaction. Feed positions are never reused, so checkpoints
--     stay valid.
-- Only the owner may execute it: an administrator acts as tenantry_owner for it, as for a
-- migration. Error code TY009: nothing verified to purge against, or the rows changed since.

ALTER TABLE tenantry.retired_pooled_copies ALTER COLUMN moved_to DROP NOT NULL;
ALTER TABLE tenantry.retired_pooled_copies ADD COLUMN purged_at timestamptz;

-- The owner's own policy on snapshots (0111 gave it one on events and streams): the tenant the
-- transaction is bound to, and only as tenantry_owner itself.
CREATE POLICY owner_purges ON tenantry.snapshots TO tenantry_owner
    USING (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner')
    WITH CHECK (tenant_id = tenantry.current_tenant() AND current_user = 'tenantry_owner');

-- A DELETE passes only when purge_tenant is on the call stack (PG_CONTEXT names each function
-- frame), run as the owner, with tenantry.purging naming the row's tenant, which is retired: the
-- owner's own DELETE, setting included, is refused like everyone else's.
CREATE OR REPLACE FUNCTION tenantry.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    call_stack text;
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'tenantry_owner'
       AND current_setting('tenantry.purging', true) = OLD.tenant_id::text THEN
        GET DIAGNOSTICS call_stack = PG_CONTEXT;
        IF (call_stack LIKE '%PL/pgSQL function tenantry.purge_tenant(uuid,text,text) %'
            OR call_stack LIKE '%PL/pgSQL function purge_tenant(uuid,text,text) %')
           AND EXISTS (SELECT FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = OLD.tenant_id) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'events are append-only: % of tenantry.events is not allowed', TG_OP
        USING ERRCODE = 'TY002',
              HINT = 'Append a compensating event instead.';
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
    verified      record;
    pooled_count  bigint;
    pooled_sum    text;
BEGIN
    IF purge_tenant.tenant_id IS NULL OR purge_tenant.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
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
        PERFORM set_config('tenantry.tenant_id', '', true);
        RETURN;
    END IF;
    IF pooled_count <> verified.event_count OR pooled_sum <> verified.checksum THEN
        RAISE EXCEPTION 'tenant %''s pooled events (% events, sha256 %) are not the verified copy (% events, sha256 %): nothing was purged',
            purge_tenant.tenant_id, pooled_count, left(pooled_sum, 12), verified.event_count, left(verified.checksum, 12)
            USING ERRCODE = 'TY009';
    END IF;

    PERFORM set_config('tenantry.purging', purge_tenant.tenant_id::text, true);
    DELETE FROM tenantry.snapshots s WHERE s.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_snapshots = ROW_COUNT;
    DELETE FROM tenantry.events e WHERE e.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_events = ROW_COUNT;
    DELETE FROM tenantry.streams s WHERE s.tenant_id = purge_tenant.tenant_id;
    GET DIAGNOSTICS purged_streams = ROW_COUNT;
    PERFORM set_config('tenantry.purging', '', true);
    PERFORM set_config('tenantry.tenant_id', '', true);

    UPDATE tenantry.retired_pooled_copies r SET purged_at = now() WHERE r.tenant_id = purge_tenant.tenant_id;
    PERFORM tenantry.append_events_as_owner(
        '00000000-0000-0000-0000-000000000000', 'tenant-' || purge_tenant.tenant_id::text, NULL,
        jsonb_build_array(jsonb_build_object(
            'id', gen_random_uuid(),
            'type', 'TenantPooledEventsPurged',
            'data', jsonb_build_object(
                'events', purged_events, 'streams', purged_streams, 'snapshots', purged_snapshots,
                'checksum', verified.checksum,
                'basis', CASE WHEN verified.moved_to IS NULL THEN 'offboarded' ELSE 'moved' END),
            'metadata', jsonb_build_object('actor', actor, 'reason', reason))));
END;
$$;

REVOKE ALL ON FUNCTION tenantry.purge_tenant(uuid, text, text) FROM PUBLIC;
