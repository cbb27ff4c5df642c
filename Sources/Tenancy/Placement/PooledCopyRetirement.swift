public import Foundation
public import PostgresClient

/// Moves a tenant's placement to its dedicated database and retires its pooled copy, in one
/// transaction: from the commit on, readers are routed to the dedicated database and row-level
/// security hides the pooled rows (migration 0102).
public struct PooledCopyRetirement: Sendable {
    /// Acting as `tenantry_operator` on the pooled (control-plane) database.
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records the dedicated placement and the retirement with the fingerprint both copies had.
    public func retire(_ tenant: UUID, movedTo database: String, verified fingerprint: TenantEventsFingerprint) async throws {
        try await pool.transaction { connection in
            _ = try connection.query("""
                INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name, cluster_url)
                VALUES (\(tenant), 'dedicated', \(database), NULL)
                ON CONFLICT (tenant_id) DO UPDATE
                SET isolation = 'dedicated', database_name = excluded.database_name, cluster_url = NULL, cell = NULL,
                    placed_at = now()
                """)
            _ = try connection.query("""
                INSERT INTO tenantry.retired_pooled_copies (tenant_id, moved_to, event_count, checksum)
                VALUES (\(tenant), \(database), \(fingerprint.count), \(fingerprint.checksum))
                ON CONFLICT (tenant_id) DO NOTHING
                """)
        }
    }

    /// Retires an offboarded tenant's pooled copy against the fingerprint its export was taken
    /// from, if its rows still have it (checked in the same transaction): from then on the pool
    /// takes no more of its events, and `PooledCopyPurge` may delete them. False, and nothing
    /// recorded, when the rows changed since. Placement is untouched (a pooled tenant has none).
    public func retireOffboarded(_ tenant: UUID, exported fingerprint: TenantEventsFingerprint) async throws -> Bool {
        try await pool.transaction { connection in
            let row = try connection.query(TenantEventsFingerprint.statement(tenant)).rows.first
            guard let (count, checksum) = try row?.decode((Int64, String).self),
                TenantEventsFingerprint(count: count, checksum: checksum) == fingerprint
            else { return false }
            _ = try connection.query("""
                INSERT INTO tenantry.retired_pooled_copies (tenant_id, moved_to, event_count, checksum)
                VALUES (\(tenant), NULL, \(fingerprint.count), \(fingerprint.checksum))
                ON CONFLICT (tenant_id) DO NOTHING
                """)
            return true
        }
    }

    /// Whether the tenant's pooled copy was retired.
    public func isRetired(_ tenant: UUID) async throws -> Bool {
        try await pool.query("SELECT EXISTS (SELECT 1 FROM tenantry.retired_pooled_copies WHERE tenant_id = \(tenant))")
            .rows.first?.decode(Bool.self) ?? false
    }
}
