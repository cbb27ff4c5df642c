-- 0003 quiet notifications
--
-- append_events notified channel tenantry_events with the stream's name as the payload. A
-- channel is not a table: any role that can connect may LISTEN on it, whatever its tenant, so
-- a tenant's session (tenantry_app, no tenant set) learnt other tenants' stream names and the
-- control plane's (tenant-<id>, signup-<key>). Nothing read the payload: a subscriber only
-- needs to know that something committed, then reads the feed under row-level security.
-- append_events_as_owner is redefined with an empty payload (PostgreSQL also folds a
-- transaction's identical notifications into one). Everything else is as in 0001; owner,
-- grants and the public wrappers are unchanged.

CREATE OR REPLACE FUNCTION tenantry.append_events_as_owner(
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
    max_event_bytes constant integer := 1048576;
    event_count     integer;
    ids             uuid[];
    current_version bigint;
    stream_is_new   boolean;
    existing        record;
    problem         text;
    caller_tenant   text := current_setting('tenantry.tenant_id', true);
BEGIN
    IF coalesce(caller_tenant, '') <> '' AND caller_tenant <> append_events_as_owner.tenant_id::text THEN
        RAISE EXCEPTION 'tenant context mismatch: this transaction works for tenant %, not %', caller_tenant, append_events_as_owner.tenant_id
            USING ERRCODE = 'TY007';
    END IF;
    IF append_events_as_owner.tenant_id IS NULL THEN
        RAISE EXCEPTION 'tenant id is required' USING ERRCODE = 'TY004';
    END IF;
    IF stream IS NULL OR length(stream) > 200
       OR stream !~ '^[A-Za-z][A-Za-z0-9_.]*-[^[:space:][:cntrl:]]+$' THEN
        RAISE EXCEPTION 'invalid stream name "%": expected category-id, e.g. account-42', coalesce(stream, '')
            USING ERRCODE = 'TY003',
                  HINT = 'The category starts with a letter and has letters, digits, _ or .; the id follows the first -.';
    END IF;
    IF expected_version < -2 THEN
        RAISE EXCEPTION 'invalid expected version %: use NULL (any), -1 (no stream), -2 (stream exists) or N >= 0', expected_version
            USING ERRCODE = 'TY004';
    END IF;
    PERFORM set_config('tenantry.tenant_id', append_events_as_owner.tenant_id::text, true);

    IF events IS NULL OR jsonb_typeof(events) <> 'array' OR jsonb_array_length(events) = 0 THEN
        RAISE EXCEPTION 'events must be a non-empty JSON array' USING ERRCODE = 'TY004';
    END IF;
    event_count := jsonb_array_length(events);

    -- Validate every event before touching anything.
    SELECT format('event %s: %s', ordinal, reason) INTO problem
    FROM (
        SELECT e.ordinal,
               CASE
                   WHEN jsonb_typeof(e.event) <> 'object' THEN 'must be a JSON object'
                   WHEN jsonb_typeof(e.event -> 'id') IS DISTINCT FROM 'string'
                        OR (e.event ->> 'id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                        THEN '"id" must be a UUID'
                   WHEN jsonb_typeof(e.event -> 'type') IS DISTINCT FROM 'string'
                        OR (e.event ->> 'type') !~ '^[A-Za-z][A-Za-z0-9_.:-]*$'
                        OR length(e.event ->> 'type') > 128
                        THEN '"type" must be a name of letters, digits, _ . : or -, starting with a letter (at most 128)'
                   WHEN jsonb_typeof(e.event -> 'data') IS DISTINCT FROM 'object' THEN '"data" must be a JSON object'
                   WHEN e.event ? 'metadata' AND jsonb_typeof(e.event -> 'metadata') NOT IN ('object', 'null')
                        THEN '"metadata" must be a JSON object'
               END AS reason
        FROM jsonb_array_elements(events) WITH ORDINALITY AS e(event, ordinal)
    ) checked
    WHERE reason IS NOT NULL
    ORDER BY ordinal
    LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'invalid event: %', problem USING ERRCODE = 'TY004';
    END IF;

    SELECT format('event %s is %s bytes; the limit is %s', e.ordinal, octet_length(e.event::text), max_event_bytes)
    INTO problem
    FROM jsonb_array_elements(events) WITH ORDINALITY AS e(event, ordinal)
    WHERE octet_length(e.event::text) > max_event_bytes
    LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'event too large: %', problem USING ERRCODE = 'TY005';
    END IF;

    ids := ARRAY(
        SELECT (e.event ->> 'id')::uuid
        FROM jsonb_array_elements(events) WITH ORDINALITY AS e(event, ordinal)
        ORDER BY e.ordinal
    );
    IF (SELECT count(DISTINCT id) FROM unnest(ids) AS id) <> event_count THEN
        RAISE EXCEPTION 'invalid event: the same id appears twice in one append' USING ERRCODE = 'TY004';
    END IF;

    LOOP
        -- Lock the stream row: appends to this stream wait here, others do not.
        SELECT s.version INTO current_version
        FROM tenantry.streams s
        WHERE s.tenant_id = append_events_as_owner.tenant_id AND s.stream_name = stream
        FOR UPDATE;
        stream_is_new := NOT FOUND;
        current_version := coalesce(current_version, 0);

        -- Idempotency: the same ids appended before, to this stream, in this order. One index
        -- probe per id (tenant_id, event_id = ANY(ids)).
        SELECT count(*) AS found,
               count(*) FILTER (WHERE ev.stream_name = stream) AS in_stream,
               min(ev.stream_name) FILTER (WHERE ev.stream_name <> stream) AS other_stream,
               array_agg(ev.event_id ORDER BY ev.stream_version) = ids
                   AND max(ev.stream_version) - min(ev.stream_version) + 1 = count(*) AS in_order,
               max(ev.stream_version) AS last_version,
               array_agg(ev.position ORDER BY ev.stream_version) AS found_positions
        INTO existing
        FROM tenantry.events ev
        WHERE ev.tenant_id = append_events_as_owner.tenant_id AND ev.event_id = ANY (ids);

        IF existing.found > 0 THEN
            IF existing.found = event_count AND existing.in_stream = event_count AND existing.in_order THEN
                stream_version := existing.last_version;
                positions := existing.found_positions;
                PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
                RETURN;
            END IF;
            RAISE EXCEPTION 'duplicate event id: % of these % events were already appended%', existing.found, event_count,
                CASE WHEN existing.other_stream IS NOT NULL
                     THEN format(' (to stream "%s")', existing.other_stream)
                     ELSE ' as part of a different append' END
                USING ERRCODE = 'TY006',
                      HINT = 'Retry an append with exactly the same events, or give new events new ids.';
        END IF;

        IF (expected_version = -1 AND current_version <> 0)
           OR (expected_version = -2 AND current_version = 0)
           OR (expected_version >= 0 AND current_version <> expected_version) THEN
            RAISE EXCEPTION 'wrong expected version for stream "%": expected %, actual %', stream,
                CASE expected_version WHEN -1 THEN 'no stream' WHEN -2 THEN 'stream exists' ELSE expected_version::text END,
                CASE current_version WHEN 0 THEN 'no stream' ELSE current_version::text END
                USING ERRCODE = 'TY001',
                      DETAIL = json_build_object('stream', stream, 'expected', expected_version, 'actual', current_version)::text;
        END IF;

        IF stream_is_new THEN
            -- A concurrent first append may create the row meanwhile: then go round again,
            -- now waiting on its lock, and check everything afresh.
            INSERT INTO tenantry.streams (tenant_id, stream_name, version)
            VALUES (append_events_as_owner.tenant_id, stream, event_count)
            ON CONFLICT DO NOTHING;
            CONTINUE WHEN NOT FOUND;
        ELSE
            UPDATE tenantry.streams s
            SET version = current_version + event_count, updated_at = now()
            WHERE s.tenant_id = append_events_as_owner.tenant_id AND s.stream_name = stream;
        END IF;
        EXIT;
    END LOOP;

    WITH inserted AS (
        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
        SELECT append_events_as_owner.tenant_id, stream, current_version + e.ordinal, (e.event ->> 'id')::uuid,
               e.event ->> 'type', e.event -> 'data',
               CASE WHEN jsonb_typeof(e.event -> 'metadata') = 'object' THEN e.event -> 'metadata' ELSE '{}' END
        FROM jsonb_array_elements(events) WITH ORDINALITY AS e(event, ordinal)
        ORDER BY e.ordinal
        RETURNING tenantry.events.position, tenantry.events.stream_version
    )
    SELECT array_agg(inserted.position ORDER BY inserted.stream_version) INTO positions FROM inserted;

    stream_version := current_version + event_count;
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
    -- An empty payload: the channel is open to every role that can connect, so it tells a
    -- listener only that something committed, never where (see the header).
    PERFORM pg_notify('tenantry_events', '');
END;
$$;
