-- 0110 staged append in one pass
--
-- append_staged_events (0108) read the staging table five times before its insert: to count
-- the batch and its distinct ids and ordinals, to find the first invalid event, to find the
-- first oversized one, to take the first id (sorting for it), and the insert numbered the
-- events with a window over a sort. Now one pass computes every count and the ordinals of the
-- first invalid and the first oversized event (the words of a refusal are looked up for that
-- one event afterwards), the first id is the row of the least ordinal, and the versions are
-- the ordinals' offsets (a batch whose ordinals have gaps is renumbered first, in order); the
-- insert still takes the rows in ordinal order, so positions follow versions.
-- Arguments, checks, their order, error codes and words, and the result are 0108's, with one
-- check more: a tenant whose pooled copy is retired is refused (42501) before anything is read
-- or written (migration 0111 takes the same check out of the row policies the owner meets).

CREATE OR REPLACE FUNCTION tenantry.append_staged_events(
    tenant_id        uuid,
    stream           text,
    expected_version bigint,
    OUT stream_version bigint,
    OUT positions     bigint[]
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_event_bytes constant integer := 1048576;
    staging         regclass := to_regclass('pg_temp.tenantry_staged_events');
    event_count     integer;
    distinct_ids    integer;
    distinct_ordinals integer;
    first_ordinal   integer;
    last_ordinal    integer;
    first_invalid   integer;
    first_oversized integer;
    first_id        uuid;
    ids             uuid[];
    current_version bigint;
    stream_is_new   boolean;
    existing        record;
    problem         text;
    caller_tenant   text := current_setting('tenantry.tenant_id', true);
    instance_tenant uuid := tenantry.instance_tenant();
    unused          text;
BEGIN
    IF append_staged_events.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
        RAISE EXCEPTION 'tenant 00000000-0000-0000-0000-000000000000 is reserved for the control plane'
            USING ERRCODE = 'TY008', HINT = 'Control-plane events are appended by tenantry_operator with append_control_events.';
    END IF;
    IF instance_tenant IS NOT NULL THEN
        IF append_staged_events.tenant_id IS DISTINCT FROM instance_tenant THEN
            RAISE EXCEPTION 'a single-tenant instance appends only its own tenant''s events (%), not %', instance_tenant, append_staged_events.tenant_id
                USING ERRCODE = 'TY007';
        END IF;
        IF NOT has_function_privilege(session_user, 'tenantry.append_events(uuid, text, bigint, jsonb)', 'EXECUTE') THEN
            RAISE EXCEPTION 'a single-tenant instance appends its tenant''s events only in its own database'
                USING ERRCODE = '42501';
        END IF;
    END IF;
    IF EXISTS (SELECT FROM tenantry.retired_pooled_copies r WHERE r.tenant_id = append_staged_events.tenant_id) THEN
        RAISE EXCEPTION 'tenant % has moved to a database of its own: its pooled copy is retired and takes no more events', append_staged_events.tenant_id
            USING ERRCODE = '42501', HINT = 'Append through the tenant''s own instance.';
    END IF;
    IF coalesce(caller_tenant, '') <> '' AND caller_tenant <> append_staged_events.tenant_id::text THEN
        RAISE EXCEPTION 'tenant context mismatch: this transaction works for tenant %, not %', caller_tenant, append_staged_events.tenant_id
            USING ERRCODE = 'TY007';
    END IF;
    IF append_staged_events.tenant_id IS NULL THEN
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

    IF staging IS NULL OR NOT EXISTS (
        SELECT 1 FROM pg_class c
        WHERE c.oid = staging AND c.relowner = current_user::text::regrole AND c.relkind = 'r'
    ) THEN
        RAISE EXCEPTION 'no staging table of this session to append from'
            USING ERRCODE = '55000',
                  HINT = 'Call tenantry.prepare_staged_events() and COPY into pg_temp.tenantry_staged_events first; do not make that table yourself.';
    END IF;
    unused := set_config('tenantry.tenant_id', append_staged_events.tenant_id::text, true);

    -- Every check in one pass over the staging table; the words of a refusal are looked up
    -- afterwards, for its one event. The checks are those of append_events; "event N" is the
    -- staged ordinal, and the first failing event (by ordinal) is the one named. The size is
    -- the one append_events measures, the event as one JSON object
    -- {"id": "…", "data": …, "type": "…", "metadata": …}, counted from its parts: 82 bytes of
    -- keys, quotes and the id, plus the type (a valid name needs no escaping) and the text of
    -- data and metadata. Every event is measured: a jsonb's binary size does not bound its
    -- text (a number such as 1e131071 prints as 131,072 digits).
    SELECT count(*), count(DISTINCT s.event_id), count(DISTINCT s.ordinal), min(s.ordinal), max(s.ordinal),
           min(s.ordinal) FILTER (WHERE s.event_id IS NULL
               OR s.event_type IS NULL OR s.event_type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' OR length(s.event_type) > 128
               OR jsonb_typeof(s.data) IS DISTINCT FROM 'object'
               OR (s.metadata IS NOT NULL AND jsonb_typeof(s.metadata) NOT IN ('object', 'null'))),
           min(s.ordinal) FILTER (WHERE 82 + octet_length(s.event_type) + octet_length(s.data::text)
               + octet_length(coalesce(s.metadata::text, 'null')) > max_event_bytes)
    INTO event_count, distinct_ids, distinct_ordinals, first_ordinal, last_ordinal, first_invalid, first_oversized
    FROM ONLY pg_temp.tenantry_staged_events s;
    IF event_count = 0 THEN
        RAISE EXCEPTION 'events must be a non-empty batch' USING ERRCODE = 'TY004';
    END IF;
    IF distinct_ordinals <> event_count THEN
        RAISE EXCEPTION 'invalid batch: two staged events share an ordinal' USING ERRCODE = 'TY004';
    END IF;
    IF first_invalid IS NOT NULL THEN
        SELECT format('event %s: %s', s.ordinal,
                   CASE
                       WHEN s.event_id IS NULL THEN '"id" must be a UUID'
                       WHEN s.event_type IS NULL OR s.event_type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' OR length(s.event_type) > 128
                            THEN '"type" must be a name of letters, digits, _ . : or -, starting with a letter (at most 128)'
                       WHEN jsonb_typeof(s.data) IS DISTINCT FROM 'object' THEN '"data" must be a JSON object'
                       ELSE '"metadata" must be a JSON object'
                   END)
        INTO problem
        FROM ONLY pg_temp.tenantry_staged_events s
        WHERE s.ordinal = first_invalid;
        RAISE EXCEPTION 'invalid event: %', problem USING ERRCODE = 'TY004';
    END IF;
    IF first_oversized IS NOT NULL THEN
        SELECT format('event %s is %s bytes; the limit is %s', s.ordinal,
                      82 + octet_length(s.event_type) + octet_length(s.data::text) + octet_length(coalesce(s.metadata::text, 'null')),
                      max_event_bytes)
        INTO problem
        FROM ONLY pg_temp.tenantry_staged_events s
        WHERE s.ordinal = first_oversized;
        RAISE EXCEPTION 'event too large: %', problem USING ERRCODE = 'TY005';
    END IF;

    IF distinct_ids <> event_count THEN
        RAISE EXCEPTION 'invalid event: the same id appears twice in one append' USING ERRCODE = 'TY004';
    END IF;

    LOOP
        -- Lock the stream row: appends to this stream wait here, others do not.
        SELECT s.version INTO current_version
        FROM tenantry.streams s
        WHERE s.tenant_id = append_staged_events.tenant_id AND s.stream_name = stream
        FOR UPDATE;
        stream_is_new := NOT FOUND;
        current_version := coalesce(current_version, 0);

        -- Idempotency: the same ids appended before, to this stream, in this order. A batch
        -- sent again holds its first id, so only that one is looked up (one index probe, not
        -- one per event); when it is found, every id is. A batch whose first id is new but
        -- another is not fails at the insert on the unique key (tenant_id, event_id): SQLSTATE
        -- 23505, constraint events_tenant_id_event_id_key, the same refusal as TY006.
        SELECT s.event_id INTO first_id FROM ONLY pg_temp.tenantry_staged_events s WHERE s.ordinal = first_ordinal;
        IF EXISTS (SELECT 1 FROM tenantry.events ev
                   WHERE ev.tenant_id = append_staged_events.tenant_id AND ev.event_id = first_id) THEN
            ids := ARRAY(SELECT s.event_id FROM ONLY pg_temp.tenantry_staged_events s ORDER BY s.ordinal);
            SELECT count(*) AS found,
                   count(*) FILTER (WHERE ev.stream_name = stream) AS in_stream,
                   min(ev.stream_name) FILTER (WHERE ev.stream_name <> stream) AS other_stream,
                   array_agg(ev.event_id ORDER BY ev.stream_version) = ids
                       AND max(ev.stream_version) - min(ev.stream_version) + 1 = count(*) AS in_order,
                   max(ev.stream_version) AS last_version,
                   array_agg(ev.position ORDER BY ev.stream_version) AS found_positions
            INTO existing
            FROM tenantry.events ev
            WHERE ev.tenant_id = append_staged_events.tenant_id AND ev.event_id = ANY (ids);

            IF existing.found = event_count AND existing.in_stream = event_count AND existing.in_order THEN
                DELETE FROM ONLY pg_temp.tenantry_staged_events;
                stream_version := existing.last_version;
                positions := existing.found_positions;
                unused := set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
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
            VALUES (append_staged_events.tenant_id, stream, event_count)
            ON CONFLICT DO NOTHING;
            CONTINUE WHEN NOT FOUND;
        ELSE
            UPDATE tenantry.streams s
            SET version = current_version + event_count, updated_at = now()
            WHERE s.tenant_id = append_staged_events.tenant_id AND s.stream_name = stream;
        END IF;
        EXIT;
    END LOOP;

    -- Versions follow the ordinals. A client numbers its batch 1…n, so the version is the
    -- ordinal's offset; ordinals with gaps are renumbered first, in order.
    IF last_ordinal::bigint - first_ordinal + 1 <> event_count THEN
        UPDATE ONLY pg_temp.tenantry_staged_events s
        SET ordinal = numbered.n
        FROM (SELECT r.ordinal, first_ordinal::bigint - 1 + row_number() OVER (ORDER BY r.ordinal) AS n
              FROM ONLY pg_temp.tenantry_staged_events r) numbered
        WHERE s.ordinal = numbered.ordinal;
    END IF;
    WITH inserted AS (
        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
        SELECT append_staged_events.tenant_id, stream, current_version + (s.ordinal::bigint - first_ordinal + 1),
               s.event_id, s.event_type, s.data,
               CASE WHEN jsonb_typeof(s.metadata) = 'object' THEN s.metadata ELSE '{}' END
        FROM ONLY pg_temp.tenantry_staged_events s
        ORDER BY s.ordinal
        RETURNING tenantry.events.position, tenantry.events.stream_version
    )
    SELECT array_agg(inserted.position ORDER BY inserted.stream_version) INTO positions FROM inserted;
    DELETE FROM ONLY pg_temp.tenantry_staged_events;

    stream_version := current_version + event_count;
    unused := set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
END;
$$;
