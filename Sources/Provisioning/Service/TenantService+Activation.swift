public import Foundation

extension TenantService {
    /// Records the tenant's first successful flag evaluation (TenantActivated), once: when the
    /// tenant is activated already, nothing is written and its state is returned. Safe to call
    /// from any number of servers at once: each appends at the version it loaded, so of two
    /// racing calls the second finds the first's event and records nothing.
    @discardableResult
    public func recordActivation(_ tenantID: UUID, keyID: UUID, at time: Date) async throws -> TenantState {
        try await execute(tenantID, actor: "api-key:\(keyID.uuidString.lowercased())", reason: "first flag evaluation") { state in
            guard state.activatedAt == nil else { return [] }
            return [.activated(.init(at: time, keyId: keyID))]
        }
    }
}
