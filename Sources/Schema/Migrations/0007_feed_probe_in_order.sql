-- 0007 the held-back probe of read_feed, in feed order
--
-- read_feed (0005) asks whether committed events wait at or beyond the page's horizon with an
-- EXISTS over the events after the cursor. The planner costs that EXISTS by how soon a scan
-- meets a matching row, and the row comparison against an expression of the horizon leaves it
-- guessing a third of the table: once the row-level security filter on each row became cheap
-- (0109 hashes the retired-copy check), a sequential scan won the guess, and a page of a
-- million-event feed read the whole table (190 ms instead of 18) to find no such event. The
-- probe now takes the first such event in feed order (ORDER BY … LIMIT 1), which only the
-- events_feed index gives without sorting the table, so its plan no longer rests on the guess.
-- Same arguments, same rows; the rest of the function is 0005's.

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
        SELECT x.xmin, (
            SELECT true FROM tenantry.events w
            -- transaction_id >= xmin and after the cursor, as one row comparison: next to a
            -- plain bound on the same column, the index scan started at the cursor and walked
            -- every event after it ("> (xmin, the least bigint)" is ">= xmin").
            WHERE (w.transaction_id, w.position) > (
                      greatest(x.xmin, read_feed.after_transaction),
                      CASE WHEN x.xmin > read_feed.after_transaction THEN '-9223372036854775808'::bigint
                           ELSE read_feed.after_position END)
              AND (read_feed.tenant IS NULL OR w.tenant_id = read_feed.tenant)
              AND (read_feed.categories IS NULL OR w.category = ANY (read_feed.categories))
            -- In feed order, so the first event at or past the horizon is found by the
            -- events_feed index: as a bare EXISTS the planner may pick a sequential scan
            -- whenever it guesses many rows match (the row comparison with an expression is a
            -- guess), and then read the whole table to find none.
            ORDER BY w.transaction_id, w.position
            LIMIT 1
        ) IS NOT NULL AS held_back
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
