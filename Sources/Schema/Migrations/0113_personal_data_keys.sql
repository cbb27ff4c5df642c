-- 0113 personal data keys
--
-- Crypto-shredding (Decision 31). Fields an event marks personal are stored sealed with
-- AES-256-GCM under a data key of the tenant the data is about: one key per tenant and, where
-- the tenant asks for it, one per data subject. Forgetting destroys the key: the sealed bytes
-- left in events, copies and backups can no longer be opened, while the events themselves stay
-- (append-only still holds). This is the one tenant-owned table that is not append-only: a
-- forgotten key keeps its row (the record that it existed) with its material and subject gone.
--
-- Rights: a tenant's session reads its own tenant's keys (as it reads its events); the operator
-- any tenant's (the control plane's events about tenants, the all-tenant feed); an instance's
-- login its own tenant's. Keys are created by personal_data_key (whoever may append a tenant's
-- events), changed only by forget_personal_data, run as the owner.

CREATE TABLE tenantry.personal_data_keys (
    key_id       uuid        PRIMARY KEY,
    tenant_id    uuid        NOT NULL CHECK (tenant_id <> '00000000-0000-0000-0000-000000000000'),
    -- The data subject the key is for (an opaque id the tenant chose); NULL for the tenant's own.
    subject      text        CHECK (length(subject) BETWEEN 1 AND 200),
    -- The AES-256 key; NULL once forgotten.
    material     bytea       CHECK (length(material) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    forgotten_at timestamptz,
    CHECK ((forgotten_at IS NULL) = (material IS NOT NULL)),
    CHECK (forgotten_at IS NULL OR subject IS NULL)
);
-- One live key per tenant and subject, so concurrent first appends agree on it.
CREATE UNIQUE INDEX personal_data_keys_live ON tenantry.personal_data_keys (tenant_id, coalesce(subject, ''))
    WHERE forgotten_at IS NULL;

ALTER TABLE tenantry.personal_data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenantry.personal_data_keys FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_reads ON tenantry.personal_data_keys FOR SELECT TO tenantry_app
    USING (tenant_id = tenantry.current_tenant());
CREATE POLICY operator_reads ON tenantry.personal_data_keys FOR SELECT TO tenantry_operator
    USING (true);
CREATE POLICY instance_reads ON tenantry.personal_data_keys FOR SELECT TO tenantry_instance
    USING (tenant_id = tenantry.instance_tenant());
-- Inside personal_data_key and forget_personal_data only: nobody else acts as the owner.
CREATE POLICY owner_manages ON tenantry.personal_data_keys FOR ALL TO tenantry_owner
    USING (current_user = 'tenantry_owner')
    WITH CHECK (current_user = 'tenantry_owner');
-- The control plane's snapshots of a tenant's stream hold its folded state in clear: the owner
-- deletes them when the tenant is forgotten (0112's policy covers the tenant's own).
CREATE POLICY owner_forgets_control_plane ON tenantry.snapshots TO tenantry_owner
    USING (tenant_id = '00000000-0000-0000-0000-000000000000'
           AND current_setting('tenantry.tenant_id', true) = '00000000-0000-0000-0000-000000000000'
           AND current_user = 'tenantry_owner')
    WITH CHECK (false);

-- A tenant's live keys move with its events to a database of its own through
-- personal_data_key, each given as its own candidate.
GRANT SELECT ON tenantry.personal_data_keys TO tenantry_app, tenantry_operator, tenantry_instance;

-- personal_data_key: the live key of a tenant (and subject), created when there is none: from
-- the caller's candidate (a key copied from another database), else here, from the server's
-- strong random generator (three random UUIDs, 366 random bits, hashed with SHA-256), so a new
-- key never travels as a statement parameter that a log could keep. Whoever may append a tenant's events may seal its personal
-- data, as append_events decides: the application and the operator for any tenant, an
-- instance's login for its own alone. Each statement takes a fresh snapshot, so when a
-- concurrent transaction created the key first, the insert waits for it and the second read
-- finds it.
CREATE FUNCTION tenantry.personal_data_key(
    tenant       uuid,
    subject      text,
    candidate_id uuid,
    candidate    bytea,
    OUT key_id   uuid,
    OUT material bytea
)
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    instance_tenant uuid := tenantry.instance_tenant();
BEGIN
    IF tenant IS NULL OR tenant = '00000000-0000-0000-0000-000000000000' THEN
        RAISE EXCEPTION 'personal data is sealed with the key of the tenant it is about, never the control plane''s'
            USING ERRCODE = 'TY008';
    END IF;
    IF instance_tenant IS NOT NULL AND tenant IS DISTINCT FROM instance_tenant THEN
        RAISE EXCEPTION 'a single-tenant instance seals personal data of its own tenant % only, not %', instance_tenant, tenant
            USING ERRCODE = 'TY007';
    END IF;
    SELECT k.key_id, k.material INTO key_id, material FROM tenantry.personal_data_keys k
    WHERE k.tenant_id = tenant AND coalesce(k.subject, '') = coalesce(personal_data_key.subject, '') AND k.forgotten_at IS NULL;
    IF FOUND THEN
        RETURN;
    END IF;
    INSERT INTO tenantry.personal_data_keys AS k (key_id, tenant_id, subject, material)
    VALUES (coalesce(candidate_id, gen_random_uuid()), tenant, personal_data_key.subject,
            coalesce(candidate, sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()))))
    ON CONFLICT (tenant_id, coalesce(subject, '')) WHERE forgotten_at IS NULL DO NOTHING;
    SELECT k.key_id, k.material INTO STRICT key_id, material FROM tenantry.personal_data_keys k
    WHERE k.tenant_id = tenant AND coalesce(k.subject, '') = coalesce(personal_data_key.subject, '') AND k.forgotten_at IS NULL;
END;
$$;
REVOKE ALL ON FUNCTION tenantry.personal_data_key(uuid, text, uuid, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.personal_data_key(uuid, text, uuid, bytea) TO tenantry_app, tenantry_operator, tenantry_instance;

-- personal_data_keys_live: whether every key of `key_ids` is still live, holding them so
-- until the caller's transaction ends. A writer of state folded from opened fields (a
-- snapshot, a read model) checks this in its own transaction first: forget_personal_data's
-- update of a key waits for it, and the snapshots it deletes next include what it wrote; a key
-- forgotten first is seen dead, and nothing is written from it.
CREATE FUNCTION tenantry.personal_data_keys_live(key_ids uuid[]) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    live bigint;
BEGIN
    PERFORM 1 FROM tenantry.personal_data_keys k WHERE k.key_id = ANY (key_ids) FOR SHARE;
    SELECT count(*) INTO live FROM tenantry.personal_data_keys k
    WHERE k.key_id = ANY (key_ids) AND k.material IS NOT NULL;
    RETURN live = (SELECT count(DISTINCT id) FROM unnest(key_ids) AS id);
END;
$$;
REVOKE ALL ON FUNCTION tenantry.personal_data_keys_live(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.personal_data_keys_live(uuid[]) TO tenantry_app, tenantry_operator, tenantry_instance;

-- forget_personal_data: destroys the live keys of a tenant (every one, its subjects' too) or of
-- one of its data subjects, and deletes the tenant's snapshots (a cache that may hold what the
-- keys protected, folded in clear; the control plane's snapshot of its stream too when the
-- whole tenant is forgotten). With `record`, the control plane's tenant-<id> stream gets a
-- TenantPersonalDataForgotten saying how many keys, who and why (never the subject: it may be
-- personal itself). The owner's alone, like purge_tenant.
CREATE FUNCTION tenantry.forget_personal_data(
    tenant_id            uuid,
    subject              text,
    actor                text,
    reason               text,
    record               boolean,
    OUT forgotten_keys   bigint,
    OUT erased_snapshots bigint
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    control_plane constant uuid := '00000000-0000-0000-0000-000000000000';
    caller_tenant text := current_setting('tenantry.tenant_id', true);
    control_snapshots bigint := 0;
BEGIN
    IF forget_personal_data.tenant_id IS NULL OR forget_personal_data.tenant_id = control_plane THEN
        RAISE EXCEPTION 'the control plane has no personal data keys to forget' USING ERRCODE = 'TY008';
    END IF;
    IF coalesce(btrim(actor), '') = '' OR coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'forgetting personal data needs an actor and a reason' USING ERRCODE = 'TY004';
    END IF;
    IF forget_personal_data.subject IS NOT NULL AND length(forget_personal_data.subject) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'a data subject is 1 to 200 characters' USING ERRCODE = 'TY004';
    END IF;

    UPDATE tenantry.personal_data_keys k
    SET material = NULL, subject = NULL, forgotten_at = now()
    WHERE k.tenant_id = forget_personal_data.tenant_id AND k.forgotten_at IS NULL
      AND (forget_personal_data.subject IS NULL OR k.subject = forget_personal_data.subject);
    GET DIAGNOSTICS forgotten_keys = ROW_COUNT;

    PERFORM set_config('tenantry.tenant_id', forget_personal_data.tenant_id::text, true);
    DELETE FROM tenantry.snapshots s WHERE s.tenant_id = forget_personal_data.tenant_id;
    GET DIAGNOSTICS erased_snapshots = ROW_COUNT;
    IF forget_personal_data.subject IS NULL THEN
        PERFORM set_config('tenantry.tenant_id', control_plane::text, true);
        DELETE FROM tenantry.snapshots s
        WHERE s.tenant_id = control_plane AND s.stream_name = 'tenant-' || forget_personal_data.tenant_id::text;
        GET DIAGNOSTICS control_snapshots = ROW_COUNT;
        erased_snapshots := erased_snapshots + control_snapshots;
    END IF;

    IF record THEN
        PERFORM set_config('tenantry.tenant_id', '', true);
        PERFORM tenantry.append_events_as_owner(
            control_plane, 'tenant-' || forget_personal_data.tenant_id::text, NULL,
            jsonb_build_array(jsonb_build_object(
                'id', gen_random_uuid(),
                'type', 'TenantPersonalDataForgotten',
                'data', jsonb_build_object(
                    'scope', CASE WHEN forget_personal_data.subject IS NULL THEN 'tenant' ELSE 'subject' END,
                    'keys', forgotten_keys),
                'metadata', jsonb_build_object('actor', actor, 'reason', reason))));
    END IF;
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
END;
$$;
REVOKE ALL ON FUNCTION tenantry.forget_personal_data(uuid, text, text, text, boolean) FROM PUBLIC;

-- Sealing the registry's personal fields written before this migration. TenantRegistered's
-- name and email and TenantAttributesChanged's set were stored in clear until now; forgetting
-- such a tenant must not leave them readable. seal_registry_personal_data, the owner's alone,
-- replaces exactly those fields of one such event by envelopes sealed (by the caller, who holds
-- the key) under a live key of that tenant, and changes nothing else: the trigger lets an
-- UPDATE through only for the owner holding a seal permit for the event, in its transaction,
-- and only if every other column stays as it was.
CREATE TABLE tenantry.seal_permits (
    transaction_id xid8 NOT NULL,
    event_id       uuid NOT NULL,
    PRIMARY KEY (transaction_id, event_id)
);

CREATE OR REPLACE FUNCTION tenantry.refuse_event_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_user = 'tenantry_owner'
       AND EXISTS (SELECT FROM tenantry.purge_permits p
                   WHERE p.transaction_id = pg_current_xact_id() AND p.tenant_id = OLD.tenant_id) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_user = 'tenantry_owner'
       AND EXISTS (SELECT FROM tenantry.seal_permits p
                   WHERE p.transaction_id = pg_current_xact_id() AND p.event_id = OLD.event_id)
       AND (NEW.position, NEW.tenant_id, NEW.stream_name, NEW.stream_version, NEW.event_id, NEW.event_type,
            NEW.metadata, NEW.recorded_at, NEW.transaction_id)
           IS NOT DISTINCT FROM
           (OLD.position, OLD.tenant_id, OLD.stream_name, OLD.stream_version, OLD.event_id, OLD.event_type,
            OLD.metadata, OLD.recorded_at, OLD.transaction_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'events are append-only: % of tenantry.events is not allowed', TG_OP
        USING ERRCODE = 'TY002',
              HINT = 'Append a compensating event instead.';
END;
$$;

CREATE FUNCTION tenantry.seal_registry_personal_data(tenant uuid, event uuid, sealed jsonb) RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    control_plane constant uuid := '00000000-0000-0000-0000-000000000000';
    caller_tenant text := current_setting('tenantry.tenant_id', true);
    found_event   record;
    fields        text[];
    field         text;
BEGIN
    PERFORM set_config('tenantry.tenant_id', control_plane::text, true);
    SELECT e.event_type, e.data INTO found_event FROM tenantry.events e
    WHERE e.tenant_id = control_plane AND e.stream_name = 'tenant-' || tenant::text AND e.event_id = event;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no registry event % of tenant %', event, tenant USING ERRCODE = 'TY004';
    END IF;
    fields := CASE found_event.event_type
        WHEN 'TenantRegistered' THEN ARRAY['email', 'name']
        WHEN 'TenantAttributesChanged' THEN ARRAY['set']
    END;
    IF fields IS NULL THEN
        RAISE EXCEPTION '% holds no personal field the registry seals', found_event.event_type USING ERRCODE = 'TY004';
    END IF;
    IF found_event.data -> fields[1] ? '$personal' THEN
        PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
        RETURN false;
    END IF;
    IF (sealed - fields) IS DISTINCT FROM (found_event.data - fields) THEN
        RAISE EXCEPTION 'sealing may change only the fields %', fields USING ERRCODE = 'TY004';
    END IF;
    FOREACH field IN ARRAY fields LOOP
        IF NOT coalesce(sealed -> field ? '$personal', false) OR NOT EXISTS (
               SELECT FROM tenantry.personal_data_keys k
               WHERE k.key_id = (sealed -> field -> '$personal' ->> 'key')::uuid
                 AND k.tenant_id = tenant AND k.material IS NOT NULL) THEN
            RAISE EXCEPTION 'field % must be sealed under a live key of tenant %', field, tenant USING ERRCODE = 'TY004';
        END IF;
    END LOOP;
    INSERT INTO tenantry.seal_permits (transaction_id, event_id) VALUES (pg_current_xact_id(), event);
    UPDATE tenantry.events e SET data = sealed
    WHERE e.tenant_id = control_plane AND e.event_id = event;
    DELETE FROM tenantry.seal_permits p WHERE p.transaction_id = pg_current_xact_id() AND p.event_id = event;
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
    RETURN true;
END;
$$;
REVOKE ALL ON FUNCTION tenantry.seal_registry_personal_data(uuid, uuid, jsonb) FROM PUBLIC;

-- append_control_events: 0112's, and TenantPersonalDataForgotten is forget_personal_data's alone.
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
    IF jsonb_typeof(events) = 'array'
       AND EXISTS (SELECT FROM jsonb_array_elements(events) e WHERE e->>'type' = 'TenantPersonalDataForgotten') THEN
        RAISE EXCEPTION 'TenantPersonalDataForgotten is recorded by tenantry.forget_personal_data alone' USING ERRCODE = 'TY004';
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

-- purge_tenant: 0112's, and the purged tenant's data subjects' keys go with its rows
-- (personal_data_keys is tenant-owned too).
CREATE OR REPLACE FUNCTION tenantry.purge_tenant(
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
    -- Its data subjects' keys sealed only its own events, gone now (a moved tenant's are in its
    -- database). The tenant's own key stays: it seals its registry history, here.
    DELETE FROM tenantry.personal_data_keys k WHERE k.tenant_id = purge_tenant.tenant_id AND k.subject IS NOT NULL;
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
