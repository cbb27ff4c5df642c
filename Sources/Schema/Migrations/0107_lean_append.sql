-- 0107 lean append
--
-- append_events_as_owner is redefined to cost less per call (decision 22 in Docs/decisions.md
-- has the profile behind each change). What it promises is unchanged (0001's header, as 0003
-- left it), except one thing: it no longer notifies channel tenantry_events. The notification
-- took a lock every notifying transaction holds through its commit, so appends committed one
-- after another and never shared a WAL flush; subscribers now learn of new events by other
-- means (the process's feed-tip watcher; decisions 5 and 22).
--
-- How each call is cheaper:
--   * one statement takes the stream's lock, reads its version and moves it on: an upsert of
--     the stream row whose DO UPDATE applies only when the expected version holds (a row the
--     WHERE refuses is still locked, so the slow path below reads it under the same lock);
--   * no idempotency probe before writing: the events are inserted with ON CONFLICT on
--     (tenant_id, event_id) DO NOTHING, and only when an id was already there (or the expected
--     version is wrong) does it look up the first append's result;
--   * one event (the common case) is validated and inserted from scalar expressions, with no
--     expansion of the JSON array; a batch keeps 0001's set-based checks and insert.
-- A re-append whose expected version still holds (NULL or -2) moved the stream on before its
-- insert found the ids taken: it puts the version back, and updated_at to the last event's
-- recorded_at (both are now() of the append that wrote it), so a retry still changes nothing.
-- tenantry.instance_tenant() (0104), which both public wrappers call on every append, is
-- redefined in PL/pgSQL with the same query: as a SQL function that cannot be inlined (it is
-- SECURITY DEFINER) PostgreSQL planned its query afresh on every call, a quarter of an
-- append's time in the database; PL/pgSQL keeps the plan for the session.
-- Owners, grants and the public wrappers (append_events, append_control_events, with 0104's
-- and 0106's instance checks) are unchanged.

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
    event           jsonb;
    ids             uuid[];
    current_version bigint;
    new_version     bigint;
    inserted_count  integer;
    existing        record;
    problem         text;
    caller_tenant   text := current_setting('tenantry.tenant_id', true);
    unused          text;
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
    -- Assignments, not PERFORM: simple expressions, evaluated without a query.
    unused := set_config('tenantry.tenant_id', append_events_as_owner.tenant_id::text, true);

    IF events IS NULL OR jsonb_typeof(events) <> 'array' OR jsonb_array_length(events) = 0 THEN
        RAISE EXCEPTION 'events must be a non-empty JSON array' USING ERRCODE = 'TY004';
    END IF;
    event_count := jsonb_array_length(events);

    -- Validate every event before touching anything.
    IF event_count = 1 THEN
        -- The checks of the batch query below, as one expression on the one event.
        event := events -> 0;
        problem := CASE
            WHEN jsonb_typeof(event) <> 'object' THEN 'must be a JSON object'
            WHEN jsonb_typeof(event -> 'id') IS DISTINCT FROM 'string'
                 OR (event ->> 'id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$'
                 THEN '"id" must be a UUID'
            WHEN jsonb_typeof(event -> 'type') IS DISTINCT FROM 'string'
                 OR (event ->> 'type') !~ '^[A-Za-z][A-Za-z0-9_.:-]*$'
                 OR length(event ->> 'type') > 128
                 THEN '"type" must be a name of letters, digits, _ . : or -, starting with a letter (at most 128)'
            WHEN jsonb_typeof(event -> 'data') IS DISTINCT FROM 'object' THEN '"data" must be a JSON object'
            WHEN event ? 'metadata' AND jsonb_typeof(event -> 'metadata') NOT IN ('object', 'null')
                 THEN '"metadata" must be a JSON object'
        END;
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'invalid event: event 1: %', problem USING ERRCODE = 'TY004';
        END IF;
        IF octet_length(event::text) > max_event_bytes THEN
            RAISE EXCEPTION 'event too large: event 1 is % bytes; the limit is %', octet_length(event::text), max_event_bytes
                USING ERRCODE = 'TY005';
        END IF;
        ids := ARRAY[(event ->> 'id')::uuid];
    ELSE
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
        -- Needed here, not left to the insert: ON CONFLICT DO NOTHING would skip the second
        -- copy of an id within one statement silently.
        IF (SELECT count(DISTINCT id) FROM unnest(ids) AS id) <> event_count THEN
            RAISE EXCEPTION 'invalid event: the same id appears twice in one append' USING ERRCODE = 'TY004';
        END IF;
    END IF;

    -- Lock the stream row, read its version and move it on, in one statement: appends to this
    -- stream wait here, others do not. A new stream's row is created at event_count; an
    -- existing one moves on only if the expected version holds (NULL and -2 accept any existing
    -- row; -1 and 0 none, since versions start at 1); otherwise it is locked, not updated, and
    -- nothing is returned. A concurrent first append waits on the other's row and then sees
    -- it as existing, so no retry loop is needed. (Constraints are named, not their columns:
    -- tenant_id is also this function's argument.)
    INSERT INTO tenantry.streams AS s (tenant_id, stream_name, version)
    VALUES (append_events_as_owner.tenant_id, stream, event_count)
    ON CONFLICT ON CONSTRAINT streams_pkey DO UPDATE
        SET version = s.version + event_count, updated_at = now()
        WHERE append_events_as_owner.expected_version IS NULL
           OR append_events_as_owner.expected_version = -2
           OR s.version = append_events_as_owner.expected_version
    RETURNING s.version INTO new_version;

    IF FOUND THEN
        current_version := new_version - event_count;
    ELSE
        -- Locked above, so this reads the version no other append can change before we end.
        SELECT s.version INTO current_version
        FROM tenantry.streams s
        WHERE s.tenant_id = append_events_as_owner.tenant_id AND s.stream_name = stream;
        current_version := coalesce(current_version, 0);
    END IF;

    IF (expected_version = -1 AND current_version <> 0)
       OR (expected_version = -2 AND current_version = 0)
       OR (expected_version >= 0 AND current_version <> expected_version) THEN
        inserted_count := 0;
    ELSIF event_count = 1 THEN
        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
        VALUES (append_events_as_owner.tenant_id, stream, current_version + 1, ids[1],
                event ->> 'type', event -> 'data',
                CASE WHEN jsonb_typeof(event -> 'metadata') = 'object' THEN event -> 'metadata' ELSE '{}' END)
        ON CONFLICT ON CONSTRAINT events_tenant_id_event_id_key DO NOTHING
        RETURNING ARRAY[tenantry.events.position] INTO positions;
        GET DIAGNOSTICS inserted_count = ROW_COUNT;
    ELSE
        WITH inserted AS (
            INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, metadata)
            SELECT append_events_as_owner.tenant_id, stream, current_version + e.ordinal, (e.event ->> 'id')::uuid,
                   e.event ->> 'type', e.event -> 'data',
                   CASE WHEN jsonb_typeof(e.event -> 'metadata') = 'object' THEN e.event -> 'metadata' ELSE '{}' END
            FROM jsonb_array_elements(events) WITH ORDINALITY AS e(event, ordinal)
            ORDER BY e.ordinal
            ON CONFLICT ON CONSTRAINT events_tenant_id_event_id_key DO NOTHING
            RETURNING tenantry.events.position, tenantry.events.stream_version
        )
        SELECT array_agg(inserted.position ORDER BY inserted.stream_version), count(*)
        INTO positions, inserted_count
        FROM inserted;
    END IF;

    IF inserted_count = event_count THEN
        stream_version := current_version + event_count;
        unused := set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
        RETURN;
    END IF;

    -- The slow path: the expected version does not hold, or an id was already there. Either
    -- way the same ids appended before, to this stream, in this order, are a retry that gets
    -- the first append's result; any other use of an id is refused; else the version is wrong.
    -- Whatever this call wrote is undone by the exception, or, for a retry, put back below.
    SELECT count(*) AS found,
           count(*) FILTER (WHERE ev.stream_name = stream) AS in_stream,
           min(ev.stream_name) FILTER (WHERE ev.stream_name <> stream) AS other_stream,
           array_agg(ev.event_id ORDER BY ev.stream_version) = ids
               AND max(ev.stream_version) - min(ev.stream_version) + 1 = count(*) AS in_order,
           max(ev.stream_version) AS last_version,
           array_agg(ev.position ORDER BY ev.stream_version) AS found_positions
    INTO existing
    FROM tenantry.events ev
    WHERE ev.tenant_id = append_events_as_owner.tenant_id AND ev.event_id = ANY (ids)
      -- Not what this call itself just inserted (a batch whose other ids were taken).
      AND NOT (ev.position = ANY (coalesce(positions, '{}')));

    IF existing.found > 0 THEN
        IF existing.found = event_count AND existing.in_stream = event_count AND existing.in_order
           AND inserted_count = 0 THEN
            IF new_version IS NOT NULL AND current_version = 0 THEN
                -- Only for events written around this function (a superuser's COPY): the
                -- upsert created the row of a stream that had events but no row.
                DELETE FROM tenantry.streams s
                WHERE s.tenant_id = append_events_as_owner.tenant_id AND s.stream_name = stream;
            ELSIF new_version IS NOT NULL THEN
                -- The upsert moved the stream on before the insert found every id taken.
                UPDATE tenantry.streams s
                SET version = current_version,
                    updated_at = (SELECT ev.recorded_at FROM tenantry.events ev
                                  WHERE ev.tenant_id = append_events_as_owner.tenant_id
                                    AND ev.stream_name = stream AND ev.stream_version = current_version)
                WHERE s.tenant_id = append_events_as_owner.tenant_id AND s.stream_name = stream;
            END IF;
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

    RAISE EXCEPTION 'wrong expected version for stream "%": expected %, actual %', stream,
        CASE expected_version WHEN -1 THEN 'no stream' WHEN -2 THEN 'stream exists' ELSE expected_version::text END,
        CASE current_version WHEN 0 THEN 'no stream' ELSE current_version::text END
        USING ERRCODE = 'TY001',
              DETAIL = json_build_object('stream', stream, 'expected', expected_version, 'actual', current_version)::text;
END;
$$;

-- instance_tenant: as in 0104 (the tenant of the session's login when it is an instance's, else
-- NULL), in PL/pgSQL so its plan is kept (see the header).
CREATE OR REPLACE FUNCTION tenantry.instance_tenant() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT i.tenant_id FROM tenantry.instance_logins i WHERE i.role_name = session_user::text);
END;
$$;
