import PostgresClient

/// The statements of `EventLog.verifyContract()`, by name. Each returns no row when its
/// invariant holds, else one row: how many rows break it and a sentence naming the first.
enum VerificationStatements {
    /// Whether the login sees every row: a superuser or BYPASSRLS (row-level security hides other
    /// tenants', and retired, rows from everyone else, the table owner included).
    static let seesEveryRow: PostgresQuery = "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"

    /// Streams whose recorded version is not the number of their events, or whose events' versions
    /// are not exactly 1…n (a gap, a duplicate, or not starting at 1).
    static let streamVersions: PostgresQuery = """
        WITH per_stream AS (
            SELECT tenant_id, stream_name, count(*) AS events, count(DISTINCT stream_version) AS versions,
                   min(stream_version) AS first, max(stream_version) AS last
            FROM tenantry.events GROUP BY tenant_id, stream_name
        )
        SELECT count(*) OVER (),
               format('stream %s of tenant %s records version %s but has %s events (versions %s to %s, %s distinct)',
                      s.stream_name, s.tenant_id, s.version, coalesce(p.events, 0),
                      coalesce(p.first::text, '-'), coalesce(p.last::text, '-'), coalesce(p.versions, 0))
        FROM tenantry.streams s LEFT JOIN per_stream p USING (tenant_id, stream_name)
        WHERE p.events IS NULL OR p.first <> 1 OR p.last <> p.events OR p.versions <> p.events OR s.version <> p.last
        ORDER BY s.tenant_id, s.stream_name
        LIMIT 1
        """

    /// Events whose stream has no row in `tenantry.streams`.
    static let streamRows: PostgresQuery = """
        SELECT count(*) OVER (),
               format('event %s (position %s) of tenant %s is in stream %s, which has no stream row',
                      e.event_id, e.position, e.tenant_id, e.stream_name)
        FROM tenantry.events e
        WHERE NOT EXISTS (SELECT 1 FROM tenantry.streams s WHERE s.tenant_id = e.tenant_id AND s.stream_name = e.stream_name)
        ORDER BY e.position
        LIMIT 1
        """

    /// Event ids recorded more than once for one tenant.
    static let eventIDs: PostgresQuery = """
        SELECT count(*) OVER (), format('event id %s appears %s times in tenant %s', event_id, copies, tenant_id)
        FROM (SELECT tenant_id, event_id, count(*) AS copies FROM tenantry.events GROUP BY tenant_id, event_id
              HAVING count(*) > 1) duplicated
        ORDER BY tenant_id, event_id
        LIMIT 1
        """

    /// The events of transactions below `horizon` (what the feed must have delivered), those at
    /// or above it, those of transaction ids not yet handed out (impossible: damage), and the
    /// checksum of the first: the sum, modulo 2^63, of each event's position XOR the first 48
    /// bits of its id (`FeedChecksum` computes the same in Swift).
    static func feedContents(below horizon: UInt64) -> PostgresQuery {
        """
        SELECT count(*) FILTER (WHERE transaction_id < \(String(horizon))::xid8),
               count(*) FILTER (WHERE transaction_id >= \(String(horizon))::xid8),
               count(*) FILTER (WHERE transaction_id >= pg_snapshot_xmax(pg_current_snapshot())),
               coalesce((sum(((('x' || left(replace(event_id::text, '-', ''), 12))::bit(48)::bigint) # position)::numeric)
                         FILTER (WHERE transaction_id < \(String(horizon))::xid8) % 9223372036854775808)::bigint, 0)
        FROM tenantry.events
        """
    }

    /// Checkpoints past the end of the feed: at a position no event has reached, or at a
    /// transaction id not yet handed out.
    static let checkpoints: PostgresQuery = """
        WITH feed_end AS (SELECT coalesce(max(position), 0) AS position FROM tenantry.events)
        SELECT count(*) OVER (),
               format('checkpoint %s is at %s/%s, past the feed''s end (last position %s, next transaction %s)',
                      c.subscription, c.transaction_id, c.position, f.position, pg_snapshot_xmax(pg_current_snapshot()))
        FROM tenantry.checkpoints c, feed_end f
        WHERE c.position > f.position OR c.transaction_id > pg_snapshot_xmax(pg_current_snapshot())
        ORDER BY c.subscription
        LIMIT 1
        """
}
