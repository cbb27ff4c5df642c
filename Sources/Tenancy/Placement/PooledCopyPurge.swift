public import Foundation
public import PostgresClient
import Schema

/// Deletes a retired tenant's pooled rows, its events, streams and snapshots, through
/// `tenantry.purge_tenant` (migration 0112): only a tenant whose pooled copy was retired with
/// a verified count and checksum (moved to a database of its own, or offboarded with an
/// export), and only while the pooled rows still have that fingerprint. The purge is recorded
/// as `TenantPooledEventsPurged` on the tenant's control-plane stream in the same transaction.
/// Purging again finds nothing and records nothing.
public struct PooledCopyPurge: Sendable {
    /// The platform database's administrator login: the purge acts as `tenantry_owner`, the
    /// only role that may execute the function.
    public let administrator: PostgresConfiguration

    public init(administrator: PostgresConfiguration) {
        self.administrator = administrator
    }

    /// What one purge deleted, and the checksum the rows were verified against.
    public struct Receipt: Sendable, Hashable, CustomStringConvertible {
        public let events: Int64
        public let streams: Int64
        public let snapshots: Int64
        public let checksum: String

        public init(events: Int64, streams: Int64, snapshots: Int64, checksum: String) {
            self.events = events
            self.streams = streams
            self.snapshots = snapshots
            self.checksum = checksum
        }

        public var description: String {
            "\(events) events, \(streams) streams and \(snapshots) snapshots purged (sha256 \(checksum.prefix(12))…)"
        }
    }

    /// Why a purge was refused: nothing verified to purge against, the rows changed since, or
    /// no actor or reason given. Nothing was deleted.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Purges `tenant`'s pooled rows, recording `actor` and `reason`.
    public func purge(_ tenant: UUID, actor: String, reason: String) async throws -> Receipt {
        do {
            return try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.owner)) { connection in
                let row = try await connection.query(Self.purgeStatement(tenant, actor: actor, reason: reason)).rows.first
                guard let (events, streams, snapshots, checksum) = try row?.decode((Int64, Int64, Int64, String).self) else {
                    throw PostgresError.misuse("purge_tenant returned no row")
                }
                return Receipt(events: events, streams: streams, snapshots: snapshots, checksum: checksum)
            }
        } catch let error as PostgresError where Self.refusals.contains(error.sqlState?.rawValue ?? "") {
            throw Refusal(description: error.message)
        }
    }

    /// TY009 nothing verified or the rows changed, TY008 the control plane, TY004 no actor or reason.
    private static let refusals: Set<String> = ["TY009", "TY008", "TY004"]

    static func purgeStatement(_ tenant: UUID, actor: String, reason: String) -> PostgresQuery {
        """
        SELECT purged_events, purged_streams, purged_snapshots, checksum
        FROM tenantry.purge_tenant(\(tenant), \(actor), \(reason))
        """
    }
}
