-- 0001 event store
--
-- One append-only table of events and one row per stream holding its current version.
-- Invariants the database itself enforces:
--   * per-stream versions start at 1 and have no gap and no duplicate
--     (append_events computes them under the stream row's lock; a unique key backs it up);
--   * an event id appears once per tenant (idempotent re-append finds it);
--   * events are never updated, deleted or truncated (privileges and a trigger);
--   * the application role writes only through append_events (SECURITY DEFINER): it has no
--     INSERT of its own, so no client can choose a position, a transaction id or a version;
--   * every event records the id of the transaction that wrote it, so a reader can hand out
--     only positions below pg_snapshot_xmin: no later commit can fill a gap behind a reader.
-- Error codes raised here (SQLSTATE class TY, "Tenantry"):
--   TY001 wrong expected version   TY002 events are append-only   TY003 invalid stream name
--   TY004 invalid event            TY005 event too large          TY006 duplicate event id
--   TY007 tenant context mismatch  TY008 reserved tenant (the control plane)
-- The current tenant of a transaction is the setting tenantry.tenant_id (set_config(…, true));
-- row-level security (migration 0100) reads it.

CREATE TABLE tenantry.streams (
    tenant_id    uuid        NOT NULL,
    stream_name  text        NOT NULL,
    version      bigint      NOT NULL CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_name)
);

CREATE TABLE tenantry.events (
    position        bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id       uuid        NOT NULL,
    stream_name     text        NOT NULL
                    CHECK (stream_name ~ '^[A-Za-z][A-Za-z0-9_.]*-[^[:space:][:cntrl:]]+$' AND length(stream_name) <= 200),
    stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL CHECK (event_type ~ '^[A-Za-z][A-Za-z0-9_.:-]*$' AND length(event_type) <= 128),
    data            jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    metadata        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    category        text        NOT NULL GENERATED ALWAYS AS (split_part(stream_name, '-', 1)) STORED,
    PRIMARY KEY (tenant_id, position),
    UNIQUE (tenant_id, stream_name, stream_version),
    UNIQUE (tenant_id, event_id)
);

-- The global feed: readers walk (transaction_id, position) below the snapshot's xmin. This is
-- the one index not led by tenant_id: it serves the operator's all-tenant subscription.
CREATE INDEX events_feed ON tenantry.events (transaction_id, position);
CREATE INDEX events_category ON tenantry.events (tenant_id, category, position);

CREATE TABLE tenantry.snapshots (
    tenant_id      uuid        NOT NULL,
    stream_name    text        NOT NULL,
    snapshot_type  text        NOT NULL,
    stream_version bigint      NOT NULL CHECK (stream_version >= 1),
    state          jsonb       NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_name, snapshot_type)
);

-- Where each named subscription or projection has got to in the global feed.
CREATE TABLE tenantry.checkpoints (
    subscription    text        PRIMARY KEY CHECK (length(subscription) BETWEEN 1 AND 200),
    transaction_id  xid8        NOT NULL,
    position        bigint      NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- refuse_event_change: UPDATE, DELETE and TRUNCATE of events fail for every role, the owner
-- included. (tenantry_app is not even granted them; this catches everyone else.)
CREATE FUNCTION tenantry.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % of tenantry.events is not allowed', TG_OP
        USING ERRCODE = 'TY002',
              HINT = 'Append a compensating event instead.';
END;
$$;

CREATE TRIGGER events_append_only_rows
    BEFORE UPDATE OR DELETE ON tenantry.events
    FOR EACH ROW EXECUTE FUNCTION tenantry.refuse_event_change();
CREATE TRIGGER events_append_only_truncate
    BEFORE TRUNCATE ON tenantry.events
    FOR EACH STATEMENT EXECUTE FUNCTION tenantry.refuse_event_change();

-- append_events: appends a JSON array of events to one stream, atomically, in one round trip.
--
--   events            [{"id": uuid, "type": text, "data": {...}, "metadata": {...}}, ...]
--   expected_version  NULL any, -1 no stream, -2 stream exists, N >= 0 exactly N (0 = no stream)
--   returns           the stream's new version and each event's global position, in order
--
-- Promises:
--   * versions continue the stream's with no gap, computed under the stream row's lock, so
--     appends to one stream serialize and appends to different streams do not;
--   * re-appending the same event ids to the same stream returns the first append's result
--     and writes nothing; an id already used elsewhere is refused (TY006);
--   * a wrong expected version raises TY001 with DETAIL {"stream","expected","actual"};
--   * subscribers listening on channel tenantry_events are notified at commit;
--   * it works in its tenant's context: it refuses (TY007) when the caller's transaction is
--     set to another tenant, sets tenantry.tenant_id for its own statements, and puts the
--     caller's setting back before it returns.
-- It runs as its owner (SECURITY DEFINER) with a fixed search_path: the caller needs only
-- EXECUTE, and every rule above holds whoever calls it.
CREATE FUNCTION tenantry.append_events_as_owner(
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
    PERFORM pg_notify('tenantry_events', stream);
END;
$$;

-- append_events: the way applications append, for any tenant but the platform's own.
-- The nil UUID is reserved for the control plane (the tenant registry and its likes): only
-- tenantry_operator may append there, through append_control_events.
CREATE FUNCTION tenantry.append_events(
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
BEGIN
    IF append_events.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
        RAISE EXCEPTION 'tenant 00000000-0000-0000-0000-000000000000 is reserved for the control plane'
            USING ERRCODE = 'TY008', HINT = 'Control-plane events are appended by tenantry_operator with append_control_events.';
    END IF;
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner(append_events.tenant_id, stream, expected_version, events) a;
END;
$$;

-- append_control_events: appends to the control plane's streams (tenant = the nil UUID).
CREATE FUNCTION tenantry.append_control_events(
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
BEGIN
    SELECT a.stream_version, a.positions INTO stream_version, positions
    FROM tenantry.append_events_as_owner('00000000-0000-0000-0000-000000000000', stream, expected_version, events) a;
END;
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA tenantry FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.append_events_as_owner(uuid, text, bigint, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.append_events(uuid, text, bigint, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.append_control_events(text, bigint, jsonb) FROM PUBLIC;
GRANT USAGE ON SCHEMA tenantry TO tenantry_app;
GRANT SELECT ON tenantry.events TO tenantry_app;
GRANT SELECT ON tenantry.streams TO tenantry_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.snapshots TO tenantry_app;
GRANT EXECUTE ON FUNCTION tenantry.append_events(uuid, text, bigint, jsonb) TO tenantry_app;
