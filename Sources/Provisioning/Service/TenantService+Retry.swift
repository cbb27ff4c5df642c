import Foundation
import PostgresClient

extension TenantService {
    /// failed → provisioning: records `TenantProvisioningRetried`, so the saga runs again from
    /// the first step not recorded (every step a failure undid is undone and recorded as such).
    /// The slug, id and history stay the tenant's. Refused for any tenant not `failed`.
    ///
    /// Use `ProvisioningSaga.retry`, which runs it, and then the saga, on the connection that
    /// holds the tenant's lock.
    func markRetried(_ tenantID: UUID, actor: String, reason: String?, on connection: PostgresConnection) async throws -> TenantState {
        try await execute(tenantID, actor: actor, reason: reason, on: connection) { state in
            guard state.status == .failed else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "retry the provisioning of")
            }
            let step = state.failedStep ?? .allocateStorage
            let recorded = state.failureReason.map { String($0.dropFirst("\(step): ".count)) } ?? ""
            return [.provisioningRetried(.init(step: step, reason: recorded))]
        }
    }
}
