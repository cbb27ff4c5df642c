public import FeatureFlags
public import Foundation

/// What a client gets for a signup the server accepted (202): the new tenant, where to follow
/// its provisioning, and the claim token that URL needs.
public struct SignupTicket: Sendable, Hashable {
    public let tenantID: UUID
    public let slug: String
    /// The secret for the status URL (`Authorization: Bearer <claimToken>`); see `ClaimToken`.
    public let claimToken: String

    /// `/v1/signup/<tenant id>`.
    public var statusPath: String { "/v1/signup/" + tenantID.uuidString.lowercased() }

    /// The status page of the no-JS form, `/signup/<tenant id>?token=<claim token>` (the token
    /// is base64url, so it needs no escaping in a query).
    public var pagePath: String { "/signup/" + tenantID.uuidString.lowercased() + "?token=" + claimToken }

    /// The 202 body, with the signup's status when it was answered.
    public func json(status: String) -> JSONValue {
        .object([
            "tenantId": .string(tenantID.uuidString.lowercased()),
            "slug": .string(slug),
            "status": .string(status),
            "statusUrl": .string(statusPath),
            "claimToken": .string(claimToken),
        ])
    }
}
