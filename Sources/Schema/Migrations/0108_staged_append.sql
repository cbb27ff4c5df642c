-- 0108 staged append: a batch of events to one stream, streamed in with COPY
--
-- append_events takes its batch as one jsonb array, which the server parses whole and walks
-- four times. A large batch is cheaper streamed with COPY into a temporary table of the
-- session and appended by one set-based statement. The rules are those of append_events
-- (0001, 0003, 0104), checked again here, none trusted to the caller:
--   * the tenant: not the control plane's (TY008; its appends stay with append_control_events
--     and their per-instance limits of 0106), not another than the transaction's (TY007);
--   * a single-tenant instance's login appends only its own tenant's events (TY007), and only
--     where it holds append_events itself (its dedicated database, never the pooled one: 42501);
--   * stream name (TY003), expected version (TY001, DETAIL as append_events), each event's
--     id, type, data and metadata (TY004), its size as append_events measures it (TY005), an
--     id twice in one batch (TY004), ids used before (TY006, or the first result back and
--     nothing written when the same ids went to this stream in this order; 23505 on the key
--     events_tenant_id_event_id_key when only ids after the first were used before);
--   * versions numbered with no gap under the stream row's lock; the transaction id and the
--     category are the events table's defaults, as for every append.
-- No NOTIFY: subscribers are woken by polling the feed.
--
-- The staging table is the session's own (pg_temp.tenantry_staged_events, emptied at every
-- commit), made by prepare_staged_events through make_staging_table as the schema owner,
-- which lets the caller only INSERT into it (COPY). append_staged_events runs as the owner
-- and reads it in place: no arrays, one pass to check the rows, one INSERT … SELECT. The
-- table must be the owner's: a
-- table the caller owned could carry what the planner or the executor runs with the reader's
-- rights (row security, triggers, statistics or CHECK expressions, indexes), and a caller
-- cannot attach any of these to a table it does not own. A table of that name the caller made
-- itself is refused (55000).

-- make_staging_table: makes the session's staging table, as the schema owner, and lets every
-- role of the session insert into it (a temporary table is out of every other session's
-- reach); refuses a table of that name the session made itself.
CREATE FUNCTION tenantry.make_staging_table() RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    staging regclass := to_regclass('pg_temp.tenantry_staged_events');
BEGIN
    IF staging IS NULL THEN
        CREATE TEMPORARY TABLE tenantry_staged_events (
            ordinal  integer NOT NULL,
            event_id uuid,
            event_type text,
            data     jsonb,
            metadata jsonb
        ) ON COMMIT DELETE ROWS;
        GRANT INSERT ON pg_temp.tenantry_staged_events TO PUBLIC;
    ELSIF (SELECT c.relowner FROM pg_class c WHERE c.oid = staging) <> current_user::text::regrole THEN
        RAISE EXCEPTION 'pg_temp.tenantry_staged_events was made by this session, not by tenantry.prepare_staged_events'
            USING ERRCODE = '55000', HINT = 'Drop that table; prepare_staged_events makes the staging table itself.';
    END IF;
END;
$$;

-- prepare_staged_events: makes the staging table if need be; false when the caller (its
-- current role) may not make temporary tables here (an instance's login in its dedicated
-- database): it then appends through append_events.
CREATE FUNCTION tenantry.prepare_staged_events() RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT has_database_privilege(current_database(), 'TEMPORARY') THEN
        RETURN false;
    END IF;
    PERFORM tenantry.make_staging_table();
    RETURN true;
END;
$$;

-- append_staged_events: appends what the session staged, in the order of its ordinal column
-- (versions follow that order; ordinals need not start at 1 or be consecutive, only distinct),
-- and empties the staging table, so a second batch in one transaction starts afresh.
CREATE FUNCTION tenantry.append_staged_events(
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

    SELECT count(*), count(DISTINCT s.event_id), count(DISTINCT s.ordinal)
    INTO event_count, distinct_ids, distinct_ordinals
    FROM ONLY pg_temp.tenantry_staged_events s;
    IF event_count = 0 THEN
        RAISE EXCEPTION 'events must be a non-empty batch' USING ERRCODE = 'TY004';
    END IF;
    IF distinct_ordinals <> event_count THEN
        RAISE EXCEPTION 'invalid batch: two staged events share an ordinal' USING ERRCODE = 'TY004';
    END IF;

    -- Validate every event before touching anything (the checks and words of append_events;
    -- "event N" is the staged ordinal).
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
    WHERE s.event_id IS NULL
       OR s.event_type IS NULL OR s.event_type !~ '^[A-Za-z][A-Za-z0-9_.:-]*$' OR length(s.event_type) > 128
       OR jsonb_typeof(s.data) IS DISTINCT FROM 'object'
       OR (s.metadata IS NOT NULL AND jsonb_typeof(s.metadata) NOT IN ('object', 'null'))
    ORDER BY s.ordinal
    LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'invalid event: %', problem USING ERRCODE = 'TY004';
    END IF;

    -- The size append_events measures, the event as one JSON object
    -- {"id": "…", "data": …, "type": "…", "metadata": …}, counted from its parts: 82 bytes of
    -- keys, quotes and the id, plus the type (a valid name needs no escaping) and the text of
    -- data and metadata. Every event is measured: a jsonb's binary size does not bound its
    -- text (a number such as 1e131071 prints as 131,072 digits).
    SELECT format('event %s is %s bytes; the limit is %s', size.ordinal, size.bytes, max_event_bytes)
    INTO problem
    FROM (SELECT s.ordinal, 82 + octet_length(s.event_type) + octet_length(s.data::text)
                 + octet_length(coalesce(s.metadata::text, 'null')) AS bytes
          FROM ONLY pg_temp.tenantry_staged_events s) size
    WHERE size.bytes > max_event_bytes
    ORDER BY size.ordinal
    LIMIT 1;
    IF problem IS NOT NULL THEN
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
        SELECT s.event_id INTO first_id FROM ONLY pg_temp.tenantry_staged_events s ORDER BY s.ordinal LIMIT 1;
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

    WITH inserted AS (
        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
        SELECT append_staged_events.tenant_id, stream, current_version + row_number() OVER (ORDER BY s.ordinal),
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

REVOKE ALL ON FUNCTION tenantry.make_staging_table() FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.prepare_staged_events() FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.append_staged_events(uuid, text, bigint) FROM PUBLIC;
-- As append_events: the application and the operator; an instance's group too, which the
-- function holds to its own tenant and to the database where its login holds append_events.
GRANT EXECUTE ON FUNCTION tenantry.make_staging_table() TO tenantry_app, tenantry_operator, tenantry_instance;
GRANT EXECUTE ON FUNCTION tenantry.prepare_staged_events() TO tenantry_app, tenantry_operator, tenantry_instance;
GRANT EXECUTE ON FUNCTION tenantry.append_staged_events(uuid, text, bigint) TO tenantry_app, tenantry_operator, tenantry_instance;
