public import Foundation
public import Provisioning

/// The tenant a request's API key belongs to, as the live directory had it when the request
/// arrived.
public struct AuthenticatedTenant: Sendable {
    public let state: TenantState
    /// Which of the tenant's keys was used (for audit metadata on what the request records).
    public let keyID: UUID

    public init(state: TenantState, keyID: UUID) {
        self.state = state
        self.keyID = keyID
    }
}
