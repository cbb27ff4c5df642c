import Crypto
public import Foundation
import PostgresClient

/// An admin token: `tadm_` and 43 characters of base64url randomness (256 bits). It is shown
/// once, to whoever issued it; only its SHA-256 is recorded, so neither the event store nor a
/// backup of it can authenticate anyone.
public struct AdminToken: Sendable, Hashable {
    /// The token's id (its stream's); shown and used to revoke it.
    public let id: UUID
    /// The token itself. Never logged, never stored.
    public let secret: String

    /// What every admin token starts with: tells it apart from a tenant API key (`tnt_`) at a
    /// glance, and lets secret scanners recognise one.
    public static let scheme = "tadm_"

    /// A new token with 256 bits from the system's cryptographic random source.
    public static func generate() -> AdminToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return AdminToken(id: UUID(), secret: scheme + encoded)
    }

    /// The first characters, to tell tokens apart in listings and audit metadata.
    public var prefix: String { Self.prefix(of: secret) }

    /// How many characters of a token its prefix keeps: `tadm_` and 7 of its random ones
    /// (42 bits: enough to tell a handful of tokens apart, far too few to help a guess).
    public static let prefixLength = 12

    /// The first `prefixLength` characters of a token.
    public static func prefix(of secret: String) -> String { String(secret.prefix(prefixLength)) }

    /// SHA-256 of a token, lower-case hex: what is recorded and what lookups compare.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexadecimal
    }
}
