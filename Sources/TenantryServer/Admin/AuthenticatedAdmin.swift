public import Foundation

/// The admin a request's token belongs to, as the live token directory (or the configured
/// token) had it when the request arrived.
public struct AuthenticatedAdmin: Sendable, Hashable {
    /// How the request's changes are signed in event metadata: `admin:<label or prefix>`, or
    /// `admin:TENANTRY_ADMIN_TOKEN`.
    public let actor: String
    /// The recorded token used; nil for the configured one.
    public let tokenID: UUID?

    public init(actor: String, tokenID: UUID?) {
        self.actor = actor
        self.tokenID = tokenID
    }
}
