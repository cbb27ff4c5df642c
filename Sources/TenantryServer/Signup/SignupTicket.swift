public import FeatureFlags
public import Foundation

/// What a client gets for a signup the server accepted (202): the new tenant, where to follow
/// its provisioning, and the claim token that URL needs.
///
/// The claim token goes to the first answer only: a retry with the same idempotency key (or
/// a duplicate racing it) gets the ticket without it, so whoever learns a signup's key and
/// data cannot take its one-time API key.
public struct SignupTicket: Sendable, Hashable {
    public let tenantID: UUID
    public let slug: String
    /// The secret for the status URL (`Authorization: Bearer <claimToken>`); see `ClaimToken`.
    /// Nil in the answer to a retry: the first answer carried it.
    public let claimToken: String?

    /// `/v1/signup/<tenant id>`.
    public var statusPath: String { "/v1/signup/" + tenantID.uuidString.lowercased() }

    /// The status page of the no-JS form, `/signup/<tenant id>?token=<claim token>` (the token
    /// is base64url, so it needs no escaping in a query); nil without a claim token.
    public var pagePath: String? {
        claimToken.map { "/signup/" + tenantID.uuidString.lowercased() + "?token=" + $0 }
    }

    /// This ticket as a retry gets it: without the claim token.
    public var withoutClaim: SignupTicket {
        SignupTicket(tenantID: tenantID, slug: slug, claimToken: nil)
    }

    /// The 202 body, with the signup's status when it was answered.
    public func json(status: String) -> JSONValue {
        var fields: [String: JSONValue] = [
            "tenantId": .string(tenantID.uuidString.lowercased()),
            "slug": .string(slug),
            "status": .string(status),
            "statusUrl": .string(statusPath),
        ]
        fields["claimToken"] = claimToken.map(JSONValue.string)
        return .object(fields)
    }
}
