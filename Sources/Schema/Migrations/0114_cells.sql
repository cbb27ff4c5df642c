-- 0114 cells
--
-- Pooled tenants spread over several independent PostgreSQL clusters (cells). The control
-- plane (this database, in the deployment's first cell) records which cells there are and in
-- which one each pooled tenant lives; every cell, the control plane's own database included,
-- is a migrated Tenantry database holding its tenants' events under row-level security.
--
-- Control plane:
--   * cells: one row per cell, the projection of the cell-<name> streams (CellAdded,
--     CellStateChanged, CellCapacityChanged, CellRemoved), written in the same transaction as
--     their events. The location is a reference (control-plane, database:<name>, env:<VAR>,
--     embedded:<name>), never a URL: credentials stay in the servers' configuration. `main` is
--     the control plane's own database and is always there (it cannot be removed). Each other
--     cell's database_identity() is recorded, and checked whenever a server opens the cell.
--   * tenant_placements.cell: the cell of a pooled tenant (every pooled tenant has one; those
--     placed before cells existed are in main). A cell holding tenants cannot be removed (the
--     foreign key refuses).
--
-- Every cell (the side a tenant moves out of):
--   * tenant_fences: a tenant whose copy here is fenced: it is moving, or has moved, to another
--     cell, or it was offboarded (no cell; refused as a retired copy is, 42501). Every append
--     takes a shared advisory lock on its tenant when it writes its stream row (a trigger on
--     streams, once per append), and refuses a fenced tenant (TY010, to be retried: the
--     tenant's placement tells where it lives now). fence_tenant takes that lock exclusively
--     before it writes the fence, so it waits for the appends in flight and every later one
--     sees the fence: nothing lands here after the fence commits. Tenant appends run in READ
--     COMMITTED transactions (the trigger refuses others, 0A000): an older snapshot could miss
--     the fence. A fence changes its kind never, and its target only before its copy is verified.
--   * record_fenced_copy stores the verified count and checksum of the copy; purge_moved_tenant
--     (owner only, as purge_tenant) deletes the fenced tenant's events, streams, snapshots and
--     personal data keys (the tenant's own key stays where the registry it also seals lives)
--     if they still have that fingerprint. A cell cannot see the control
--     plane, so the caller checks that the tenant is placed elsewhere before it asks.
--   * lift_tenant_fence removes a fence once the tenant has no events here (purged), so it may
--     move back, or when a move is abandoned before its switch (the caller found the tenant
--     still placed here).

CREATE TABLE tenantry.cells (
    name               text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,30}$'),
    location           text        NOT NULL UNIQUE
                                   CHECK (location = 'control-plane'
                                          OR location ~ '^database:[a-z_][a-z0-9_]{0,62}$'
                                          OR location ~ '^env:TENANTRY_CELL_[A-Z0-9_]{1,60}_URL$'
                                          OR location ~ '^embedded:[a-z][a-z0-9-]{0,30}$'),
    state              text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'draining', 'closed')),
    -- The most pooled tenants it takes; NULL for no limit.
    capacity           integer     CHECK (capacity > 0),
    -- The cell database's identity (database_identity()) when it was added, NULL for main: a
    -- database re-created behind the same location, or another one, is refused rather than
    -- taken for the cell.
    identity           uuid        UNIQUE,
    added_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((name = 'main') = (location = 'control-plane')),
    CHECK ((name = 'main') = (identity IS NULL))
);

-- Which database this is, asked with database_identity(): made the first time a database is
-- asked, keyed by its name, so a copy made from a template (a test's, a dedicated tenant's)
-- gets its own, and a physical replica (a Patroni failover) keeps the primary's.
CREATE TABLE tenantry.database_identities (
    database_name name PRIMARY KEY,
    identity      uuid NOT NULL UNIQUE DEFAULT gen_random_uuid()
);

CREATE FUNCTION tenantry.database_identity() RETURNS uuid
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    known uuid;
BEGIN
    SELECT i.identity INTO known FROM tenantry.database_identities i WHERE i.database_name = current_database();
    IF FOUND THEN
        RETURN known;
    END IF;
    INSERT INTO tenantry.database_identities (database_name) VALUES (current_database()) ON CONFLICT DO NOTHING;
    SELECT i.identity INTO known FROM tenantry.database_identities i WHERE i.database_name = current_database();
    RETURN known;
END;
$$;

REVOKE ALL ON FUNCTION tenantry.database_identity() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.database_identity() TO tenantry_app, tenantry_operator, tenantry_instance;

INSERT INTO tenantry.cells (name, location) VALUES ('main', 'control-plane');

GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.cells TO tenantry_operator;

ALTER TABLE tenantry.tenant_placements ADD COLUMN cell text REFERENCES tenantry.cells (name);
UPDATE tenantry.tenant_placements SET cell = 'main' WHERE isolation = 'pooled';
ALTER TABLE tenantry.tenant_placements ADD CONSTRAINT tenant_placements_cell_when_pooled
    CHECK ((isolation = 'pooled') = (cell IS NOT NULL));
CREATE INDEX tenant_placements_by_cell ON tenantry.tenant_placements (cell) WHERE cell IS NOT NULL;

-- How many pooled tenants each cell holds, for the placement policy and capacities, without
-- counting the placements on every signup: a trigger on tenant_placements adds and takes one
-- in one of 16 slots per cell, chosen at random, so concurrent signups into one cell rarely
-- wait for each other's counter row (the sum over the slots is exact).
CREATE TABLE tenantry.cell_tenant_counts (
    cell    text     NOT NULL REFERENCES tenantry.cells (name) ON DELETE CASCADE,
    slot    smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    tenants bigint   NOT NULL,
    PRIMARY KEY (cell, slot)
);

INSERT INTO tenantry.cell_tenant_counts (cell, slot, tenants)
SELECT p.cell, 0, count(*) FROM tenantry.tenant_placements p WHERE p.cell IS NOT NULL GROUP BY p.cell;

GRANT SELECT ON tenantry.cell_tenant_counts TO tenantry_operator;

CREATE FUNCTION tenantry.count_cell_tenants() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    leaving  text := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN OLD.cell END;
    arriving text := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN NEW.cell END;
BEGIN
    -- Counter rows are locked in the order of their cells' names, so two placements moving in
    -- opposite directions never wait for each other in a circle.
    IF leaving IS NOT NULL AND (arriving IS NULL OR leaving < arriving) THEN
        PERFORM tenantry.add_cell_tenants(leaving, -1);
        IF arriving IS NOT NULL THEN PERFORM tenantry.add_cell_tenants(arriving, 1); END IF;
    ELSIF arriving IS NOT NULL THEN
        PERFORM tenantry.add_cell_tenants(arriving, 1);
        IF leaving IS NOT NULL THEN PERFORM tenantry.add_cell_tenants(leaving, -1); END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION tenantry.add_cell_tenants(cell text, change integer) RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO tenantry.cell_tenant_counts AS k (cell, slot, tenants) VALUES (cell, floor(random() * 16)::smallint, change)
    ON CONFLICT (cell, slot) DO UPDATE SET tenants = k.tenants + excluded.tenants;
$$;
REVOKE ALL ON FUNCTION tenantry.add_cell_tenants(text, integer) FROM PUBLIC;

CREATE TRIGGER tenant_placements_count_cells
    AFTER INSERT OR DELETE ON tenantry.tenant_placements
    FOR EACH ROW EXECUTE FUNCTION tenantry.count_cell_tenants();
CREATE TRIGGER tenant_placements_recount_cells
    AFTER UPDATE OF cell ON tenantry.tenant_placements
    FOR EACH ROW WHEN (OLD.cell IS DISTINCT FROM NEW.cell) EXECUTE FUNCTION tenantry.count_cell_tenants();

CREATE TABLE tenantry.tenant_fences (
    tenant_id     uuid        PRIMARY KEY,
    -- The cell it moves to; NULL for a tenant offboarded with an export.
    moved_to_cell text        CHECK (moved_to_cell ~ '^[a-z][a-z0-9-]{0,30}$'),
    fenced_at     timestamptz NOT NULL DEFAULT now(),
    -- The copy verified in the other cell, once it is (what purge_moved_tenant checks).
    event_count   bigint      CHECK (event_count >= 0),
    checksum      text        CHECK (checksum ~ '^[0-9a-f]{64}$'),
    purged_at     timestamptz,
    CHECK ((event_count IS NULL) = (checksum IS NULL))
);

GRANT SELECT ON tenantry.tenant_fences TO tenantry_operator;

-- The advisory lock every append of a tenant shares and a fence takes alone.
CREATE FUNCTION tenantry.tenant_fence_lock_key(tenant_id uuid) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT hashtext(tenant_id::text) $$;

CREATE FUNCTION tenantry.refuse_fenced_append() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fence record;
BEGIN
    IF NEW.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
        RETURN NEW;
    END IF;
    -- The fence is read in this statement's snapshot, taken after the lock: only READ COMMITTED
    -- takes one per statement. An older snapshot could miss a fence committed before the lock
    -- was granted, and the append would land after the move's last copy.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'tenant events are appended in READ COMMITTED transactions, not %', current_setting('transaction_isolation')
            USING ERRCODE = '0A000',
                  HINT = 'A move between cells fences a tenant''s appends; only a snapshot per statement sees the fence.';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(727500, tenantry.tenant_fence_lock_key(NEW.tenant_id));
    SELECT f.moved_to_cell, f.event_count INTO fence FROM tenantry.tenant_fences f WHERE f.tenant_id = NEW.tenant_id;
    IF FOUND AND fence.moved_to_cell IS NULL THEN
        RAISE EXCEPTION 'tenant % is offboarded: this cell takes no more of its events', NEW.tenant_id
            USING ERRCODE = '42501';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'tenant % % cell %: this cell takes no more of its events', NEW.tenant_id,
            CASE WHEN fence.event_count IS NULL THEN 'is moving to' ELSE 'has moved to' END, fence.moved_to_cell
            USING ERRCODE = 'TY010',
                  HINT = 'Retry: the tenant''s placement names the cell it lives in.';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER streams_refuse_fenced
    BEFORE INSERT OR UPDATE ON tenantry.streams
    FOR EACH ROW EXECUTE FUNCTION tenantry.refuse_fenced_append();

-- Fences a tenant here; returns when no append of it is in flight (or lock_timeout passed).
CREATE FUNCTION tenantry.fence_tenant(tenant_id uuid, moved_to_cell text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    existing record;
BEGIN
    IF fence_tenant.tenant_id IS NULL OR fence_tenant.tenant_id = '00000000-0000-0000-0000-000000000000' THEN
        RAISE EXCEPTION 'the control plane''s events never move' USING ERRCODE = 'TY008';
    END IF;
    PERFORM pg_advisory_xact_lock(727500, tenantry.tenant_fence_lock_key(fence_tenant.tenant_id));
    SELECT f.moved_to_cell, f.event_count INTO existing FROM tenantry.tenant_fences f WHERE f.tenant_id = fence_tenant.tenant_id;
    IF NOT FOUND THEN
        INSERT INTO tenantry.tenant_fences (tenant_id, moved_to_cell) VALUES (fence_tenant.tenant_id, fence_tenant.moved_to_cell);
    ELSIF existing.moved_to_cell IS NOT DISTINCT FROM fence_tenant.moved_to_cell THEN
        RETURN;
    ELSIF existing.moved_to_cell IS NOT NULL AND fence_tenant.moved_to_cell IS NOT NULL AND existing.event_count IS NULL THEN
        -- A move abandoned before its switch, now aimed at another cell.
        UPDATE tenantry.tenant_fences f SET moved_to_cell = fence_tenant.moved_to_cell WHERE f.tenant_id = fence_tenant.tenant_id;
    ELSE
        RAISE EXCEPTION 'tenant % is fenced here already, %', fence_tenant.tenant_id,
            CASE WHEN existing.moved_to_cell IS NULL THEN 'offboarded' ELSE 'moving or moved to cell ' || existing.moved_to_cell END
            USING ERRCODE = 'TY009';
    END IF;
END;
$$;

-- Records the verified copy of a fenced tenant (in its new cell, or its offboarding export),
-- the ground for purging it here.
CREATE FUNCTION tenantry.record_fenced_copy(tenant_id uuid, event_count bigint, checksum text)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- The lock lift_tenant_fence takes: a fence is not lifted while its copy is recorded.
    PERFORM pg_advisory_xact_lock(727500, tenantry.tenant_fence_lock_key(record_fenced_copy.tenant_id));
    UPDATE tenantry.tenant_fences f
    SET event_count = record_fenced_copy.event_count, checksum = record_fenced_copy.checksum
    WHERE f.tenant_id = record_fenced_copy.tenant_id AND f.purged_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not fenced here: no copy to record', record_fenced_copy.tenant_id USING ERRCODE = 'TY009';
    END IF;
END;
$$;

-- Lets a tenant back in: once it has no events here (purged, so it may move back), or, when
-- the caller found the control plane still placing it here, while no copy elsewhere was
-- verified (a move abandoned before its switch).
CREATE FUNCTION tenantry.lift_tenant_fence(tenant_id uuid, placed_here boolean)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    caller_tenant text := current_setting('tenantry.tenant_id', true);
    fence         record;
    remaining     boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(727500, tenantry.tenant_fence_lock_key(lift_tenant_fence.tenant_id));
    SELECT f.moved_to_cell, f.event_count INTO fence FROM tenantry.tenant_fences f WHERE f.tenant_id = lift_tenant_fence.tenant_id;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM set_config('tenantry.tenant_id', lift_tenant_fence.tenant_id::text, true);
    remaining := EXISTS (SELECT FROM tenantry.streams s WHERE s.tenant_id = lift_tenant_fence.tenant_id);
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
    IF remaining AND NOT (placed_here AND fence.event_count IS NULL AND fence.moved_to_cell IS NOT NULL) THEN
        RAISE EXCEPTION 'tenant % still has events in this cell, fenced %: purge them before it comes back', lift_tenant_fence.tenant_id,
            coalesce('for its move to cell ' || fence.moved_to_cell, 'at its offboarding')
            USING ERRCODE = 'TY009';
    END IF;
    DELETE FROM tenantry.tenant_fences f
    WHERE f.tenant_id = lift_tenant_fence.tenant_id AND (NOT remaining OR f.event_count IS NULL);
    RETURN FOUND;
END;
$$;

CREATE FUNCTION tenantry.purge_moved_tenant(
    tenant_id            uuid,
    actor                text,
    reason               text,
    OUT purged_events    bigint,
    OUT purged_streams   bigint,
    OUT purged_snapshots bigint,
    OUT purged_keys      bigint
)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    caller_tenant text := current_setting('tenantry.tenant_id', true);
    verified      record;
    here_count    bigint;
    here_sum      text;
    keeps_own_key boolean;
BEGIN
    IF coalesce(btrim(actor), '') = '' OR coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a purge needs an actor and a reason' USING ERRCODE = 'TY004';
    END IF;
    SELECT f.moved_to_cell, f.event_count, f.checksum, f.purged_at INTO verified
    FROM tenantry.tenant_fences f WHERE f.tenant_id = purge_moved_tenant.tenant_id
    FOR UPDATE;
    IF NOT FOUND OR verified.event_count IS NULL THEN
        RAISE EXCEPTION 'tenant % has no verified copy in another cell or export: nothing was purged', purge_moved_tenant.tenant_id
            USING ERRCODE = 'TY009';
    END IF;

    PERFORM set_config('tenantry.tenant_id', purge_moved_tenant.tenant_id::text, true);
    SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(
               e.stream_name || '/' || e.stream_version || '/' || e.event_id || '/' || e.event_type || '/'
               || e.data::text || '/' || e.metadata::text, E'\n' ORDER BY e.stream_name, e.stream_version), ''), 'UTF8')), 'hex')
    INTO here_count, here_sum
    FROM tenantry.events e WHERE e.tenant_id = purge_moved_tenant.tenant_id;
    purged_events := 0;
    purged_streams := 0;
    purged_snapshots := 0;
    purged_keys := 0;
    IF verified.purged_at IS NOT NULL AND here_count = 0 THEN
        PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
        RETURN;
    END IF;
    IF here_count <> verified.event_count OR here_sum <> verified.checksum THEN
        RAISE EXCEPTION 'tenant %''s events here (% events, sha256 %) are not the copy verified % (% events, sha256 %): nothing was purged',
            purge_moved_tenant.tenant_id, here_count, left(here_sum, 12),
            coalesce('in cell ' || verified.moved_to_cell, 'by its export'), verified.event_count, left(verified.checksum, 12)
            USING ERRCODE = 'TY009';
    END IF;

    INSERT INTO tenantry.purge_permits (transaction_id, tenant_id) VALUES (pg_current_xact_id(), purge_moved_tenant.tenant_id);
    DELETE FROM tenantry.snapshots s WHERE s.tenant_id = purge_moved_tenant.tenant_id;
    GET DIAGNOSTICS purged_snapshots = ROW_COUNT;
    DELETE FROM tenantry.events e WHERE e.tenant_id = purge_moved_tenant.tenant_id;
    GET DIAGNOSTICS purged_events = ROW_COUNT;
    DELETE FROM tenantry.streams s WHERE s.tenant_id = purge_moved_tenant.tenant_id;
    GET DIAGNOSTICS purged_streams = ROW_COUNT;
    -- The tenant's own key stays where this database also holds its registry (the control
    -- plane's cell): it seals the registry's personal fields too.
    PERFORM set_config('tenantry.tenant_id', '00000000-0000-0000-0000-000000000000', true);
    keeps_own_key := EXISTS (SELECT FROM tenantry.events e
                             WHERE e.tenant_id = '00000000-0000-0000-0000-000000000000'
                               AND e.stream_name = 'tenant-' || purge_moved_tenant.tenant_id::text);
    DELETE FROM tenantry.personal_data_keys k
    WHERE k.tenant_id = purge_moved_tenant.tenant_id AND (k.subject IS NOT NULL OR NOT keeps_own_key);
    GET DIAGNOSTICS purged_keys = ROW_COUNT;
    DELETE FROM tenantry.purge_permits p WHERE p.transaction_id = pg_current_xact_id();
    UPDATE tenantry.tenant_fences f SET purged_at = now() WHERE f.tenant_id = purge_moved_tenant.tenant_id;
    PERFORM set_config('tenantry.tenant_id', coalesce(caller_tenant, ''), true);
END;
$$;

REVOKE ALL ON FUNCTION tenantry.fence_tenant(uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.record_fenced_copy(uuid, bigint, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.lift_tenant_fence(uuid, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION tenantry.purge_moved_tenant(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.fence_tenant(uuid, text) TO tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.record_fenced_copy(uuid, bigint, text) TO tenantry_operator;
GRANT EXECUTE ON FUNCTION tenantry.lift_tenant_fence(uuid, boolean) TO tenantry_operator;
