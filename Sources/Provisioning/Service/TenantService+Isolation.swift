public import Foundation

extension TenantService {
    /// Records that a pooled tenant's data now lives in `database` (its events copied there and
    /// verified): TenantIsolationChanged. Only a pooled tenant that is active or suspended moves;
    /// a tenant already dedicated records nothing.
    public func recordDedicated(_ tenantID: UUID, database: String, copiedEvents: Int, actor: String, reason: String?) async throws -> TenantState {
        try await execute(tenantID, actor: actor, reason: reason) { state in
            guard state.isolation == .pooled else { return [] }
            guard state.status == .active || state.status == .suspended else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "move to a dedicated database")
            }
            return [.isolationChanged(.init(from: .pooled, to: .dedicated, database: database, copiedEvents: copiedEvents))]
        }
    }
}
