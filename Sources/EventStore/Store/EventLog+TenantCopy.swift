public import Foundation
import PostgresClient

/// Reads for copying one tenant's events to another database while it keeps writing (a move
/// between cells): the events as stored (personal fields sealed), in stream and version order,
/// optionally only those of transactions at or after a mark, so each round of a copy reads what
/// the previous round may have missed and nothing much older.
extension EventLog {
    /// A point in this database's transaction history: every transaction still running when it
    /// was taken, and every later one, has an id at or above it. Unlike the feed's horizon, a
    /// copy never waits for it: it only bounds what a later round reads again.
    public struct TransactionMark: Sendable, Hashable, CustomStringConvertible {
        /// The snapshot's xmin, an xid8.
        public let transactionID: UInt64

        public var description: String { String(transactionID) }
    }

    /// The mark of now: the oldest transaction running (or the next one, when none runs).
    public func transactionMark() async throws -> TransactionMark {
        do {
            let text = try await pool.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").rows.first?.decode(String.self)
            guard let text, let value = UInt64(text) else { throw PostgresError.misuse("pg_current_snapshot() gave no xmin") }
            return TransactionMark(transactionID: value)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Up to `limit` of `tenant`'s events as stored, ordered by stream and version, after
    /// `position` (a stream and version; nil: from the start), written by transactions at or
    /// after `since` (nil: every event). Needs a role that reads the tenant's rows: the
    /// operator, or the application bound to the tenant.
    public func readTenantEvents(
        _ tenant: UUID, since: TransactionMark?, after position: (stream: String, version: Int64)?, limit: Int
    ) async throws -> [RecordedEvent] {
        let afterStream = position?.stream ?? ""
        let afterVersion = position?.version ?? 0
        let query: PostgresQuery = if let since {
            """
            SELECT \(literalSQL: RecordedEvent.columns) FROM tenantry.events
            WHERE tenant_id = \(tenant) AND transaction_id >= \(String(since.transactionID))::xid8
              AND (stream_name, stream_version) > (\(afterStream), \(afterVersion))
            ORDER BY stream_name, stream_version
            LIMIT \(limit)
            """
        } else {
            """
            SELECT \(literalSQL: RecordedEvent.columns) FROM tenantry.events
            WHERE tenant_id = \(tenant) AND (stream_name, stream_version) > (\(afterStream), \(afterVersion))
            ORDER BY stream_name, stream_version
            LIMIT \(limit)
            """
        }
        do {
            return try await inTenant(tenant) { connection in
                try connection.query(query).rows.map { row throws(PostgresError) in try RecordedEvent(row: row) }
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Every stream of `tenant` here and its version.
    public func streamVersions(of tenant: UUID) async throws -> [String: Int64] {
        do {
            return try await inTenant(tenant) { connection in
                var versions: [String: Int64] = [:]
                for row in try connection.query("SELECT stream_name, version FROM tenantry.streams WHERE tenant_id = \(tenant)").rows {
                    let (stream, version) = try row.decode((String, Int64).self)
                    versions[stream] = version
                }
                return versions
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }
}
