public import Foundation
public import PostgresClient

/// Reads and records tenant placements (`tenantry.tenant_placements`, control plane).
public struct TenantPlacementStore: Sendable {
    /// Reads need `tenantry_app` or more; recording needs `tenantry_operator`.
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The tenant's placement; a tenant without a record is pooled.
    public func placement(of tenant: UUID) async throws -> TenantPlacement {
        let row = try await pool.query("""
            SELECT isolation, database_name, cluster_url FROM tenantry.tenant_placements WHERE tenant_id = \(tenant)
            """).rows.first
        guard let row else { return .pooled }
        let (isolation, database, clusterURL) = try row.decode((String, String?, String?).self)
        guard isolation == "dedicated", let database else { return .pooled }
        return .dedicated(database: database, clusterURL: clusterURL)
    }

    /// Records (or replaces) where a tenant lives.
    public func record(_ placement: TenantPlacement, of tenant: UUID) async throws {
        try await pool.query(Self.recording(placement, of: tenant))
    }

    /// Records (or replaces) where a tenant lives, inside the caller's transaction on
    /// `connection`, so the placement commits together with the caller's events.
    public func record(_ placement: TenantPlacement, of tenant: UUID, on connection: isolated PostgresConnection) throws {
        try connection.query(Self.recording(placement, of: tenant))
    }

    public func remove(_ tenant: UUID) async throws {
        try await pool.query(Self.removing(tenant))
    }

    /// Removes where a tenant lives, inside the caller's transaction on `connection`.
    public func remove(_ tenant: UUID, on connection: isolated PostgresConnection) throws {
        try connection.query(Self.removing(tenant))
    }

    private static func recording(_ placement: TenantPlacement, of tenant: UUID) -> PostgresQuery {
        let (database, clusterURL): (String?, String?) = switch placement {
        case .pooled: (nil, nil)
        case let .dedicated(database, clusterURL): (database, clusterURL)
        }
        return """
            INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name, cluster_url)
            VALUES (\(tenant), \(placement.isolation), \(database), \(clusterURL))
            ON CONFLICT (tenant_id) DO UPDATE
            SET isolation = excluded.isolation, database_name = excluded.database_name,
                cluster_url = excluded.cluster_url, placed_at = now()
            """
    }

    private static func removing(_ tenant: UUID) -> PostgresQuery {
        "DELETE FROM tenantry.tenant_placements WHERE tenant_id = \(tenant)"
    }
}
