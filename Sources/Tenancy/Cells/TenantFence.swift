public import Foundation
public import PostgresClient
import Schema

/// A tenant's fence in one cell's database (migration 0114): once fenced, the cell refuses the
/// tenant's appends (TY010 while it moves or after it moved, to be retried where its placement
/// now points; 42501 once offboarded), and its copy there can be verified, purged, and the
/// fence lifted so the tenant may come back.
public struct TenantFence: Sendable {
    /// The cell's administrator login: fencing acts as `tenantry_operator`, purging as
    /// `tenantry_owner`.
    public let administrator: PostgresConfiguration

    public init(administrator: PostgresConfiguration) {
        self.administrator = administrator
    }

    /// What a purge deleted.
    public struct Receipt: Sendable, Hashable, CustomStringConvertible {
        public let events: Int64
        public let streams: Int64
        public let snapshots: Int64
        public let keys: Int64

        public var description: String {
            "\(events) events, \(streams) streams, \(snapshots) snapshots and \(keys) personal data keys purged"
        }
    }

    /// A fence that waited its `lockTimeout` for the tenant's appends in flight and gave up:
    /// nothing was fenced.
    public struct AppendsInFlight: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Why a purge or a lift was refused: nothing verified, the rows changed since, events
    /// still there. Nothing was deleted.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Fences `tenant` here, moving to `cell` (nil: offboarded). Returns once no append of the
    /// tenant is in flight here; waits at most `lockTimeout` for those in flight (then throws
    /// `AppendsInFlight`, and nothing is fenced).
    public func fence(_ tenant: UUID, movingTo cell: CellName?, lockTimeout: Duration = .seconds(10)) async throws {
        let milliseconds = Int(lockTimeout.components.seconds * 1000 + lockTimeout.components.attoseconds / 1_000_000_000_000_000)
        do {
            try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
                try await connection.transaction { connection in
                    // set_config, not SET: a setting's value cannot be a statement parameter.
                    _ = try connection.query("SELECT set_config('lock_timeout', \(String(milliseconds) + "ms"), true)")
                    _ = try connection.query("SELECT tenantry.fence_tenant(\(tenant), \(cell?.rawValue))")
                }
            }
        } catch let error as PostgresError where error.sqlState?.rawValue == "55P03" {
            throw AppendsInFlight(description: "appends of tenant \(tenant.uuidString.lowercased()) stayed in flight for \(milliseconds) ms: nothing was fenced; try again")
        } catch let error as PostgresError where error.sqlState?.rawValue == "TY009" {
            throw Refusal(description: error.message)
        }
    }

    /// Whether `tenant` is fenced here.
    public func isFenced(_ tenant: UUID) async throws -> Bool {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            try await connection.query("SELECT EXISTS (SELECT FROM tenantry.tenant_fences WHERE tenant_id = \(tenant))")
                .rows.first?.decode(Bool.self) ?? false
        }
    }

    /// Records the fingerprint the copy elsewhere (or the export) was verified with.
    public func recordVerifiedCopy(_ tenant: UUID, _ fingerprint: TenantEventsFingerprint) async throws {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            _ = try await connection.query(
                "SELECT tenantry.record_fenced_copy(\(tenant), \(fingerprint.count), \(fingerprint.checksum))")
        }
    }

    /// Whether the fence has a verified copy recorded.
    public func hasVerifiedCopy(_ tenant: UUID) async throws -> Bool {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            try await connection.query(
                "SELECT EXISTS (SELECT FROM tenantry.tenant_fences WHERE tenant_id = \(tenant) AND event_count IS NOT NULL)")
                .rows.first?.decode(Bool.self) ?? false
        }
    }

    /// Removes the fence of a tenant with no events here (one purged, or never copied), so it
    /// may move back, or, with `placedHere` (the caller found the control plane still placing
    /// the tenant in this cell), of a move abandoned before its switch; false when there was none.
    @discardableResult
    public func lift(_ tenant: UUID, placedHere: Bool = false) async throws -> Bool {
        do {
            return try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
                try await connection.query("SELECT tenantry.lift_tenant_fence(\(tenant), \(placedHere))").rows.first?.decode(Bool.self) ?? false
            }
        } catch let error as PostgresError where error.sqlState?.rawValue == "TY009" {
            throw Refusal(description: error.message)
        }
    }

    /// Deletes the fenced tenant's events, streams, snapshots and keys here, if they still have
    /// the verified fingerprint (the caller has checked that the control plane places the
    /// tenant elsewhere, or offboarded it). Purging again finds nothing.
    public func purge(_ tenant: UUID, actor: String, reason: String) async throws -> Receipt {
        do {
            return try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.owner)) { connection in
                let row = try await connection.query("""
                    SELECT purged_events, purged_streams, purged_snapshots, purged_keys
                    FROM tenantry.purge_moved_tenant(\(tenant), \(actor), \(reason))
                    """).rows.first
                guard let (events, streams, snapshots, keys) = try row?.decode((Int64, Int64, Int64, Int64).self) else {
                    throw PostgresError.misuse("purge_moved_tenant returned no row")
                }
                return Receipt(events: events, streams: streams, snapshots: snapshots, keys: keys)
            }
        } catch let error as PostgresError where ["TY009", "TY004"].contains(error.sqlState?.rawValue ?? "") {
            throw Refusal(description: error.message)
        }
    }
}
