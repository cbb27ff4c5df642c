import Crypto
public import Foundation
import PostgresClient

/// A tenant API key: `tnt_` and 43 characters of base64url randomness (256 bits). Only its
/// SHA-256 is ever stored; the key is shown once, to whoever provisioned the tenant.
public struct APIKey: Sendable, Hashable {
    public let id: UUID
    /// The key itself. Never logged, never stored.
    public let secret: String

    static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKey(id: UUID(), secret: "tnt_" + encoded)
    }

    /// The first characters, to tell keys apart in listings.
    var prefix: String { String(secret.prefix(12)) }

    /// SHA-256 of a key, hex.
    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).hexadecimal
    }
}
