-- 0006 read_feed_page: read_feed with its arguments from the session, planned with their values
--
-- A feed page streamed with COPY cannot take parameters, so the reader puts the page's
-- arguments into settings (tenantry.feed_after_transaction, …_after_position, …_limit,
-- …_tenant, …_categories) and copies from this function. Passed to read_feed as
-- current_setting() expressions, they left the planner guessing: it scanned every event after
-- the cursor and sorted them for each page, so reading the feed from the start cost time
-- growing with the square of its length. EXECUTE … USING plans the read with the values, as a
-- parameterised query does: the events_feed index in order, stopped at the page's limit.
--
-- SECURITY INVOKER: row-level security applies to the caller, as for read_feed.

-- note_transactions_elsewhere: puts into the setting tenantry.feed_elsewhere, for the rest of
-- the transaction, the transactions running in other databases now, which feed_horizon (0005)
-- then leaves out without looking at the activity itself. Called in the statement before a
-- read, it sees them before the read's snapshot is taken, so no transaction that ended in
-- between is kept as a horizon (which made a page come back short). A client reading the feed
-- with read_feed and parameters (the server's reader does, in the binary format) calls it
-- first, in the same transaction.
CREATE FUNCTION tenantry.note_transactions_elsewhere() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    this_database oid;
    elsewhere     text;
BEGIN
    SELECT d.oid INTO this_database FROM pg_database d WHERE d.datname = current_database();
    elsewhere := ARRAY(
        SELECT a.backend_xid FROM pg_stat_get_activity(NULL) a
        WHERE a.backend_xid IS NOT NULL AND a.datid IS NOT NULL AND a.datid <> this_database
        UNION ALL
        SELECT p.transaction FROM pg_prepared_xact() p WHERE p.dbid <> this_database)::text;
    -- An empty list reads as "not noted" to feed_horizon; {0} names no transaction.
    PERFORM set_config('tenantry.feed_elsewhere', CASE WHEN elsewhere = '{}' THEN '{0}' ELSE elsewhere END, true);
END;
$$;

REVOKE ALL ON FUNCTION tenantry.note_transactions_elsewhere() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.note_transactions_elsewhere() TO tenantry_app, tenantry_operator, tenantry_instance;

CREATE FUNCTION tenantry.read_feed_page()
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
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
-- A page of a large feed is estimated far above jit_above_cost (the planner cannot see the
-- LIMIT's row count from the cursor), so JIT compiled every page: about 10 ms spent before a
-- 10,000-event page that takes 20 ms to read.
SET jit = off
AS $$
BEGIN
    -- Which transactions run in other databases, looked at before the read's snapshot (the
    -- EXECUTE below, VOLATILE, takes a fresh one).
    PERFORM tenantry.note_transactions_elsewhere();
    RETURN QUERY EXECUTE
        'SELECT * FROM tenantry.read_feed($1, $2, $3, $4, $5) ORDER BY transaction_id, position'
        USING current_setting('tenantry.feed_after_transaction')::xid8,
              current_setting('tenantry.feed_after_position')::bigint,
              current_setting('tenantry.feed_limit')::integer,
              nullif(current_setting('tenantry.feed_tenant'), '')::uuid,
              nullif(current_setting('tenantry.feed_categories'), '')::text[];
    PERFORM set_config('tenantry.feed_elsewhere', '', true);
END;
$$;

REVOKE ALL ON FUNCTION tenantry.read_feed_page() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.read_feed_page() TO tenantry_app, tenantry_operator, tenantry_instance;
