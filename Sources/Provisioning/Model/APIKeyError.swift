public import Foundation

/// Why an API key command was refused; nothing was written.
public enum APIKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tenant has no live key with this id (never issued, revoked, or another tenant's).
    case notFound(keyID: UUID)
    /// Revoking the tenant's last live `manage` key would lock it out of the API for good.
    case lastKey(slug: String)
    /// The tenant holds `limit` live keys already: revoke one first.
    case limitReached(slug: String, limit: Int)

    public var description: String {
        switch self {
        case .notFound(let keyID):
            "no API key \(keyID.uuidString.lowercased())"
        case .lastKey(let slug):
            "cannot revoke the last manage API key of tenant \(slug): it would lock the tenant out; issue another manage key first"
        case let .limitReached(slug, limit):
            "tenant \(slug) has \(limit) API keys already, the most it may hold; revoke one first"
        }
    }
}
