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
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE
        'SELECT * FROM tenantry.read_feed($1, $2, $3, $4, $5) ORDER BY transaction_id, position'
        USING current_setting('tenantry.feed_after_transaction')::xid8,
              current_setting('tenantry.feed_after_position')::bigint,
              current_setting('tenantry.feed_limit')::integer,
              nullif(current_setting('tenantry.feed_tenant'), '')::uuid,
              nullif(current_setting('tenantry.feed_categories'), '')::text[];
END;
$$;

REVOKE ALL ON FUNCTION tenantry.read_feed_page() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantry.read_feed_page() TO tenantry_app, tenantry_operator, tenantry_instance;
