public import Foundation
public import PostgresClient

/// One row of the tenant registry (`tenantry.tenants`).
public struct TenantSummary: Sendable, Hashable {
    public let id: UUID
    public let slug: String
    public let name: String
    public let email: String
    public let state: String
    public let plan: String
    public let isolation: String
    /// The cell a pooled tenant lives in; nil for a dedicated one, or before its storage.
    public let cell: String?
    public let trialEndsAt: Date?
    public let createdAt: Date

    /// Lists the registry, optionally by state, plan and cell, newest first.
    public static func list(state: String?, plan: String?, cell: String? = nil, on pool: PostgresPool) async throws -> [TenantSummary] {
        try await pool.query("""
            SELECT tenant_id, slug, name, email, state, plan, isolation, cell, trial_ends_at, created_at
            FROM tenantry.tenants
            WHERE (\(state)::text IS NULL OR state = \(state)::text) AND (\(plan)::text IS NULL OR plan = \(plan)::text)
              AND (\(cell)::text IS NULL OR cell = \(cell)::text)
            ORDER BY created_at DESC, slug
            """).rows.map { row in
            let (id, slug, name, email, state, plan, isolation, cell, trialEndsAt, createdAt) =
                try row.decode((UUID, String, String, String, String, String, String, String?, Date?, Date).self)
            return TenantSummary(
                id: id, slug: slug, name: name, email: email, state: state, plan: plan,
                isolation: isolation, cell: cell, trialEndsAt: trialEndsAt, createdAt: createdAt
            )
        }
    }

    /// Tenants on a trial that has ended (for the trial-expiry check).
    public static func dueTrials(at time: Date, on pool: PostgresPool) async throws -> [UUID] {
        try await pool.query("""
            SELECT tenant_id FROM tenantry.tenants
            WHERE plan = 'trial' AND state = 'active' AND trial_ends_at <= \(time)
            """).rows.map { try $0.decode(UUID.self) }
    }

    /// Tenants the provisioning saga still has work for: those `provisioning`, and those
    /// `failed` with a compensation owed. The provisioning runner runs the saga for them again.
    public static func needingProvisioning(on pool: PostgresPool) async throws -> [UUID] {
        try await pool.query("""
            SELECT tenant_id FROM tenantry.tenants
            WHERE state = 'provisioning' OR compensation_owed
            ORDER BY updated_at
            """).rows.map { try $0.decode(UUID.self) }
    }
}
