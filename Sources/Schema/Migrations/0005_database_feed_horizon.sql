-- 0005 database feed horizon: the no-skip feed waits only for this database's transactions,
-- and a feed tip a watcher can probe instead of a NOTIFY in every append
--
-- read_feed handed out events below pg_snapshot_xmin, the oldest transaction running anywhere
-- in the cluster: a long transaction in another database (a migration, a report, another
-- tenant's dedicated database) stalled every live view here. Only this database's
-- transactions can write this database's events, so the horizon is now the oldest
-- transaction of the read's snapshot that may belong to this database.
--
-- read_feed's page also changes shape: every page ends with one row of the horizon alone
-- (its event columns NULL), where 0004 gave that row only for a page with no event. The page
-- and that row both come sorted, so PostgreSQL merges them instead of sorting the page (a
-- tenth of a 10,000-event page's time).
--
-- feed_horizon(): the reader's own transaction, if it has an id (a snapshot does not list
-- it, but it may yet write events), and the snapshot's in-progress transactions
-- (pg_snapshot_xip) minus those seen running in another database (pg_stat_get_activity's backend_xid and datid; prepared
-- transactions by their database), else the snapshot's xmax. The activity is read after the
-- snapshot was taken, so a transaction that ended in between is no longer listed anywhere:
-- its database is unknown, and it is kept as a horizon (conservative: the next read has it
-- gone from the snapshot). Every event of a transaction below the horizon has been visible to
-- the snapshot or never will be. STABLE, so the horizon and the rows a statement reads come
-- from the same snapshot. backend_xid is shown to every role, so it runs as the caller.
--
-- feed_tip(known_position, watch_writers): what a per-process watcher probes (about every
-- millisecond while the feed moves, backing off while it is idle) to wake its subscriptions:
-- the last position drawn and the oldest transaction running in this database (its 32-bit
-- id, read live from the backends, not from a snapshot, which PostgreSQL reuses while no
-- transaction ends). The writers are looked at only when the position moved past
-- known_position (the watcher's previous probe) or the watcher asks (it does while a writer
-- ran at its previous probe, or a subscription waits for held-back events), so an idle probe
-- reads the sequence alone. An event's commit changes the answer between two probes: a
-- transaction takes its id before it draws a position (the append functions write the stream
-- row first), so the probe that first sees its position also sees it running (or already
-- ended, and then a read after that probe sees its events), and it stays watched until its
-- end, or the end of an older writer holding its events back, moves oldest_writer on. It
-- reads the sequence, not the table, so row-level security does not hide the tip and the
-- probe costs no index scan; SECURITY DEFINER for the sequence, which only its owner reads.

-- The NOTIFY in append_events goes in 0107; until then it only wakes watchers early.

CREATE FUNCTION tenantry.feed_horizon() RETURNS xid8
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    taken        pg_snapshot := pg_current_snapshot();
    own          xid8 := pg_current_xact_id_if_assigned();
    this_database oid;
    horizon      xid8;
BEGIN
    -- The reader's own transaction is not in its snapshot's list, yet it may still write
    -- events (a projection that appends while it folds): it is a horizon like any other.
    IF pg_snapshot_xmin(taken) = pg_snapshot_xmax(taken) THEN
        RETURN least(pg_snapshot_xmax(taken), own);
    END IF;
    IF coalesce(current_setting('tenantry.feed_elsewhere', true), '') <> '' THEN
        -- note_transactions_elsewhere (0006) looked at the backends before this statement's
        -- snapshot was taken: every transaction of the snapshot that ran elsewhere then is listed.
        SELECT min(x) INTO horizon FROM pg_snapshot_xip(taken) AS x
        WHERE (x::text::numeric % 4294967296)::text::xid <> ALL (current_setting('tenantry.feed_elsewhere')::xid[]);
        RETURN least(coalesce(horizon, pg_snapshot_xmax(taken)), own);
    END IF;
    SELECT d.oid INTO this_database FROM pg_database d WHERE d.datname = current_database();
    SELECT min(x) INTO horizon FROM pg_snapshot_xip(taken) AS x
    WHERE (x::text::numeric % 4294967296)::text::xid NOT IN (
        SELECT a.backend_xid FROM pg_stat_get_activity(NULL) a
        WHERE a.backend_xid IS NOT NULL AND a.datid IS NOT NULL AND a.datid <> this_database
        UNION ALL
        SELECT p.transaction FROM pg_prepared_xact() p WHERE p.dbid <> this_database);
    RETURN least(coalesce(horizon, pg_snapshot_xmax(taken)), own);
END;
$$;

CREATE FUNCTION tenantry.feed_tip(
    known_position bigint,
    watch_writers  boolean,
    OUT last_position bigint,
    OUT oldest_writer bigint
)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    this_database oid;
BEGIN
    last_position := coalesce(pg_sequence_last_value('tenantry.events_position_seq'::regclass), 0);
    IF NOT watch_writers AND last_position = known_position THEN
        RETURN;
    END IF;
    SELECT d.oid INTO this_database FROM pg_database d WHERE d.datname = current_database();
    SELECT w.xid::text::bigint INTO oldest_writer FROM (
        SELECT a.backend_xid AS xid FROM pg_stat_get_activity(NULL) a
        WHERE a.backend_xid IS NOT NULL AND a.datid = this_database
        UNION ALL
        SELECT p.transaction FROM pg_prepared_xact() p WHERE p.dbid = this_database
    ) w
    ORDER BY age(w.xid) DESC
    LIMIT 1;
END;
$$;

REVOKE ALL ON FUNCTION tenantry.feed_horizon() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.feed_horizon() TO tenantry_app, tenantry_operator, tenantry_instance;
REVOKE ALL ON FUNCTION tenantry.feed_tip(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.feed_tip(bigint, boolean) TO tenantry_app, tenantry_operator, tenantry_instance;

CREATE OR REPLACE FUNCTION tenantry.read_feed(
    after_transaction xid8,
    after_position    bigint,
    max_count         integer,
    tenant            uuid DEFAULT NULL,
    categories        text[] DEFAULT NULL
)
RETURNS TABLE (
    horizon        xid8,
    held_back      boolean,
    "position"     bigint,
    transaction_id xid8,
    tenant_id      uuid,
    stream_name    text,
    stream_version bigint,
    event_id       uuid,
    event_type     text,
    data           jsonb,
    metadata       jsonb,
    recorded_at    timestamptz
)
LANGUAGE sql STABLE
AS $$
    WITH page_horizon AS MATERIALIZED (
        SELECT x.xmin, EXISTS (
            SELECT 1 FROM tenantry.events w
            -- transaction_id >= xmin and after the cursor, as one row comparison: next to a
            -- plain bound on the same column, the index scan started at the cursor and walked
            -- every event after it ("> (xmin, the least bigint)" is ">= xmin").
            WHERE (w.transaction_id, w.position) > (
                      greatest(x.xmin, read_feed.after_transaction),
                      CASE WHEN x.xmin > read_feed.after_transaction THEN '-9223372036854775808'::bigint
                           ELSE read_feed.after_position END)
              AND (read_feed.tenant IS NULL OR w.tenant_id = read_feed.tenant)
              AND (read_feed.categories IS NULL OR w.category = ANY (read_feed.categories))
        ) AS held_back
        -- OFFSET 0 keeps the horizon one value: pulled up, it was computed again in the probe.
        FROM (SELECT tenantry.feed_horizon() AS xmin OFFSET 0) x
    )
    -- The page's events in feed order (the events_feed index, cut at max_count), each with the
    -- horizon, then one row of the horizon alone, its event columns NULL (so a page with no
    -- event says where the horizon was). Both parts come sorted, so the ORDER BY merges them
    -- (Merge Append) instead of sorting the page; the row of NULLs sorts last.
    SELECT page.* FROM (
        SELECT (SELECT h.xmin FROM page_horizon h) AS horizon, (SELECT h.held_back FROM page_horizon h) AS held_back,
               e.position, e.transaction_id, e.tenant_id, e.stream_name, e.stream_version,
               e.event_id, e.event_type, e.data, e.metadata, e.recorded_at
        FROM (
            SELECT ev.position, ev.transaction_id, ev.tenant_id, ev.stream_name, ev.stream_version,
                   ev.event_id, ev.event_type, ev.data, ev.metadata, ev.recorded_at
            FROM tenantry.events ev
            WHERE (ev.transaction_id, ev.position) > (read_feed.after_transaction, read_feed.after_position)
              AND ev.transaction_id < (SELECT h.xmin FROM page_horizon h)
              AND (read_feed.tenant IS NULL OR ev.tenant_id = read_feed.tenant)
              AND (read_feed.categories IS NULL OR ev.category = ANY (read_feed.categories))
            ORDER BY ev.transaction_id, ev.position
            LIMIT read_feed.max_count
        ) e
        UNION ALL
        SELECT h.xmin, h.held_back, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM page_horizon h
    ) page
    ORDER BY page.transaction_id, page.position
$$;
