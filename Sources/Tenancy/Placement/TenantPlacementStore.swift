public import Foundation
public import PostgresClient

/// Reads and records tenant placements (`tenantry.tenant_placements`, control plane).
public struct TenantPlacementStore: Sendable {
    /// Reads need `tenantry_app` or more; recording needs `tenantry_operator`.
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The tenant's placement; a tenant without a record is pooled in `main` (a tenant whose
    /// storage provisioning has not allocated yet, or one registered before placements).
    public func placement(of tenant: UUID) async throws -> TenantPlacement {
        try await located(tenant).placement
    }

    /// The tenant's placement and, for a pooled tenant, its cell's location and identity, in
    /// one read: what the router needs to open the cell.
    public func located(_ tenant: UUID) async throws -> LocatedPlacement {
        let row = try await pool.query("""
            SELECT p.isolation, p.database_name, p.cluster_url, c.name, c.location, c.identity
            FROM tenantry.tenant_placements p LEFT JOIN tenantry.cells c ON c.name = p.cell
            WHERE p.tenant_id = \(tenant)
            """).rows.first
        guard let row else { return LocatedPlacement(placement: .pooled(cell: .main), location: .controlPlane, identity: nil) }
        let (isolation, database, clusterURL, cell, location, identity) = try row.decode((String, String?, String?, String?, String?, UUID?).self)
        if isolation == "dedicated", let database {
            return LocatedPlacement(placement: .dedicated(database: database, clusterURL: clusterURL), location: nil, identity: nil)
        }
        guard let cell, let location else { return LocatedPlacement(placement: .pooled(cell: .main), location: .controlPlane, identity: nil) }
        do {
            return LocatedPlacement(placement: .pooled(cell: try CellName(cell)), location: try CellLocation(location), identity: identity)
        } catch {
            throw PostgresError.misuse("tenant \(tenant.uuidString.lowercased()) is placed in cell \(cell), recorded as \(error)")
        }
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

    /// Moves a pooled tenant from cell `from` to cell `to` inside the caller's control-plane
    /// transaction, only if it is still placed in `from` (else throws, and the caller's
    /// transaction should roll back): a move's switch never overwrites another change.
    public func movePooled(_ tenant: UUID, from: CellName, to: CellName, on connection: isolated PostgresConnection) throws {
        let moved = try connection.query("""
            UPDATE tenantry.tenant_placements SET cell = \(to.rawValue), placed_at = now()
            WHERE tenant_id = \(tenant) AND isolation = 'pooled' AND cell = \(from.rawValue)
            """).affectedRows
        guard moved == 1 else {
            throw PostgresError.misuse("tenant \(tenant.uuidString.lowercased()) is no longer placed in cell \(from): nothing was switched")
        }
    }

    public func remove(_ tenant: UUID) async throws {
        try await pool.query(Self.removing(tenant))
    }

    /// Removes where a tenant lives, inside the caller's transaction on `connection`.
    public func remove(_ tenant: UUID, on connection: isolated PostgresConnection) throws {
        try connection.query(Self.removing(tenant))
    }

    private static func recording(_ placement: TenantPlacement, of tenant: UUID) -> PostgresQuery {
        let (database, clusterURL, cell): (String?, String?, String?) = switch placement {
        case .pooled(let cell): (nil, nil, cell.rawValue)
        case let .dedicated(database, clusterURL): (database, clusterURL, nil)
        }
        return """
            INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name, cluster_url, cell)
            VALUES (\(tenant), \(placement.isolation), \(database), \(clusterURL), \(cell))
            ON CONFLICT (tenant_id) DO UPDATE
            SET isolation = excluded.isolation, database_name = excluded.database_name,
                cluster_url = excluded.cluster_url, cell = excluded.cell, placed_at = now()
            """
    }

    private static func removing(_ tenant: UUID) -> PostgresQuery {
        "DELETE FROM tenantry.tenant_placements WHERE tenant_id = \(tenant)"
    }
}
