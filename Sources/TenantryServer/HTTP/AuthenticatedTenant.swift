public import Foundation
public import Provisioning

/// The tenant a request's API key belongs to, as the live directory had it when the request
/// arrived.
public struct AuthenticatedTenant: Sendable {
    public let state: TenantState
    /// Which of the tenant's keys was used (for audit metadata on what the request records).
    public let keyID: UUID
    /// When the credential presented stops being valid: an event-stream token's expiry; nil
    /// for an API key (valid until revoked).
    public let expiresAt: Date?

    /// What the key may do (`evaluate` for a key the directory no longer holds: the least).
    public var scope: APIKeyScope { state.apiKeys[keyID]?.effectiveScope ?? .evaluate }

    public init(state: TenantState, keyID: UUID, expiresAt: Date? = nil) {
        self.state = state
        self.keyID = keyID
        self.expiresAt = expiresAt
    }
}
