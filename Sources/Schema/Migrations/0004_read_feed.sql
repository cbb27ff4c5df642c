-- 0004 read_feed: the no-skip feed read, in SQL
--
-- Appends go through append_events so every client gets its guarantees; reading the feed
-- safely is a rule of its own, and it lived only in the Swift reader. Here it is a function, so
-- psql, a Python consumer or any other client reads the same pages.
--
-- The rule: positions are taken in transaction order, not commit order, so a transaction that
-- is still running may later commit an event with a lower position than one already visible.
-- A page therefore hands out only events of transactions below pg_snapshot_xmin (the oldest
-- transaction still running at the read): all of them have ended, so nothing can ever appear
-- before the last event returned. Pages are ordered by (transaction_id, position), and a
-- reader continues after the last event's pair.
--
--   after_transaction, after_position  the cursor: the last event's (transaction_id, position),
--                                      or ('0', 0) from the start
--   max_count                          at most this many events
--   tenant                             only this tenant's events (NULL: every tenant visible)
--   categories                         only these categories (NULL: every category)
--
-- Every row carries the horizon the page was read below (the xmin) and whether committed
-- events matching the filter wait at or beyond it (held back by an older transaction still
-- running); the event columns follow. A page with no deliverable event is one row whose event
-- columns are NULL, so the horizon is always returned. After a page shorter than max_count a
-- reader may continue from (horizon, 0): every matching event below it has been seen.
--
-- SECURITY INVOKER (the default, and inlinable): the caller's row-level security applies, so
-- tenantry_app sees the events of the tenant its transaction is set to and nothing else,
-- tenantry_operator every tenant's, an instance's login what 0104 lets it see. Granting
-- EXECUTE gives no role a row it could not already SELECT. STABLE: the horizon and the rows
-- come from one snapshot, the calling statement's.

CREATE FUNCTION tenantry.read_feed(
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
            WHERE w.transaction_id >= x.xmin
              AND (w.transaction_id, w.position) > (read_feed.after_transaction, read_feed.after_position)
              AND (read_feed.tenant IS NULL OR w.tenant_id = read_feed.tenant)
              AND (read_feed.categories IS NULL OR w.category = ANY (read_feed.categories))
        ) AS held_back
        FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) x
    )
    SELECT h.xmin, h.held_back, e.position, e.transaction_id, e.tenant_id, e.stream_name, e.stream_version,
           e.event_id, e.event_type, e.data, e.metadata, e.recorded_at
    FROM page_horizon h
    LEFT JOIN LATERAL (
        SELECT ev.position, ev.transaction_id, ev.tenant_id, ev.stream_name, ev.stream_version,
               ev.event_id, ev.event_type, ev.data, ev.metadata, ev.recorded_at
        FROM tenantry.events ev
        WHERE (ev.transaction_id, ev.position) > (read_feed.after_transaction, read_feed.after_position)
          AND ev.transaction_id < h.xmin
          AND (read_feed.tenant IS NULL OR ev.tenant_id = read_feed.tenant)
          AND (read_feed.categories IS NULL OR ev.category = ANY (read_feed.categories))
        ORDER BY ev.transaction_id, ev.position
        LIMIT read_feed.max_count
    ) e ON true
    ORDER BY e.transaction_id, e.position
$$;

REVOKE ALL ON FUNCTION tenantry.read_feed(xid8, bigint, integer, uuid, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.read_feed(xid8, bigint, integer, uuid, text[])
    TO tenantry_app, tenantry_operator, tenantry_instance;
