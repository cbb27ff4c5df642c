public import Foundation
public import Provisioning

/// Exports a tenant's events and offboards it (dropping a dedicated database only once the
/// export is written): the last step of destroying an instance. The composition root's tenant
/// administration does it, which this module does not see.
public protocol TenantOffboarding: Sendable {
    /// Writes every event of the tenant to `path` (JSON Lines), marks it offboarded and releases
    /// its storage; returns the tenant as it is after and how many events were exported.
    func offboard(_ tenantID: UUID, exportTo path: String, actor: String, reason: String) async throws -> (TenantState, Int)
}
