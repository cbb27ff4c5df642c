import Foundation
import PostgresClient

/// Every statement the event store runs, by name. Each is prepared once per connection.
enum EventStoreStatements {
    /// Binds the transaction to a tenant: row-level security shows only its rows.
    static func setTenant(_ tenant: UUID) -> PostgresQuery {
        "SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)"
    }

    static func append(tenant: UUID, stream: StreamName, expectedVersion: ExpectedVersion, eventsJSON: String) -> PostgresQuery {
        if tenant == EventLog.controlPlaneTenantID {
            return """
                SELECT stream_version, positions
                FROM tenantry.append_control_events(\(stream.rawValue), \(expectedVersion.sqlValue), \(eventsJSON)::jsonb)
                """
        }
        return """
        SELECT stream_version, positions
        FROM tenantry.append_events(\(tenant), \(stream.rawValue), \(expectedVersion.sqlValue), \(eventsJSON)::jsonb)
        """
    }

    static func readStreamForward(tenant: UUID, stream: StreamName, fromVersion: Int64, limit: Int) -> PostgresQuery {
        """
        SELECT \(literalSQL: RecordedEvent.columns) FROM tenantry.events
        WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue) AND stream_version >= \(fromVersion)
        ORDER BY stream_version
        LIMIT \(limit)
        """
    }

    static func readStreamBackward(tenant: UUID, stream: StreamName, fromVersion: Int64, limit: Int) -> PostgresQuery {
        """
        SELECT \(literalSQL: RecordedEvent.columns) FROM tenantry.events
        WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue) AND stream_version <= \(fromVersion)
        ORDER BY stream_version DESC
        LIMIT \(limit)
        """
    }

    static func readCategory(tenant: UUID, category: String, afterPosition: Int64, limit: Int) -> PostgresQuery {
        """
        SELECT \(literalSQL: RecordedEvent.columns) FROM tenantry.events
        WHERE tenant_id = \(tenant) AND category = \(category) AND position > \(afterPosition)
        ORDER BY position
        LIMIT \(limit)
        """
    }

    /// The cursor just before the first event at or after a position: the smallest writing
    /// transaction among them, or the horizon if lower (a running transaction may still add
    /// an event at or after the position).
    static func cursorBefore(position: Int64) -> PostgresQuery {
        """
        SELECT least(min(transaction_id), (SELECT tenantry.feed_horizon()))
        FROM tenantry.events WHERE position >= \(position)
        """
    }

    /// The cursor after every event committed so far (for following only new events).
    static let currentEnd: PostgresQuery = """
        SELECT coalesce(max(transaction_id), '0'::xid8), coalesce(max(position), 0)
        FROM tenantry.events
        WHERE transaction_id < (SELECT tenantry.feed_horizon())
        """

    /// How many events of any tenant follow the cursor in feed order and are deliverable now,
    /// counted up to `limit`: a bounded range of the `events_feed` index, empty for a reader that
    /// is current.
    static func backlog(after cursor: GlobalCursor, limit: Int) -> PostgresQuery {
        """
        SELECT count(*) FROM (
            SELECT 1 FROM tenantry.events
            WHERE (transaction_id, position) > (\(cursor.transactionID)::xid8, \(cursor.position)::bigint)
              AND transaction_id < (SELECT tenantry.feed_horizon())
            LIMIT \(limit)
        ) behind
        """
    }

    /// How many deliverable events of one tenant's category follow the cursor, counted up to
    /// `limit`: a bounded range of the `events_category` index, from the position of the last
    /// event at or before the cursor (one step back along `events_feed`) on.
    static func backlog(after cursor: GlobalCursor, tenant: UUID, category: String, limit: Int) -> PostgresQuery {
        """
        WITH floor AS MATERIALIZED (
            SELECT coalesce((
                SELECT position FROM tenantry.events
                WHERE (transaction_id, position) <= (\(cursor.transactionID)::xid8, \(cursor.position)::bigint)
                ORDER BY transaction_id DESC, position DESC
                LIMIT 1
            ), 0) AS position
        )
        SELECT count(*) FROM (
            SELECT 1 FROM tenantry.events e, floor f
            WHERE e.tenant_id = \(tenant) AND e.category = \(category) AND e.position > f.position
              AND (e.transaction_id, e.position) > (\(cursor.transactionID)::xid8, \(cursor.position)::bigint)
              AND e.transaction_id < (SELECT tenantry.feed_horizon())
            LIMIT \(limit)
        ) behind
        """
    }

    static func streamNames(tenant: UUID, category: String) -> PostgresQuery {
        """
        SELECT stream_name FROM tenantry.streams
        WHERE tenant_id = \(tenant) AND starts_with(stream_name, \(category + "-"))
        ORDER BY stream_name
        """
    }

    static func streamVersion(tenant: UUID, stream: StreamName) -> PostgresQuery {
        "SELECT version FROM tenantry.streams WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue)"
    }

    /// The feed-tip watcher's probe (migration 0005): the last position drawn and, when it moved
    /// past `knownPosition` or when asked, the database's oldest writing transaction.
    static func feedTip(knownPosition: Int64, watchingWriters: Bool) -> PostgresQuery {
        "SELECT last_position, oldest_writer FROM tenantry.feed_tip(\(knownPosition), \(watchingWriters))"
    }

    /// Wakes the feed-tip watchers of other processes (sent outside any append transaction).
    static let nudgeWatchers: PostgresQuery = "SELECT pg_notify('tenantry_events', '')"
}
