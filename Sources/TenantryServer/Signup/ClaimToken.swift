import Crypto
import Foundation
import Hummingbird

/// The secret that guards a signup's status URL: 256 random bits, base64url, handed to the
/// client that signed up (in the 202, or in the no-JS page's redirect). Whoever holds it sees
/// the signup's progress and, once, its first API key; without it the signup does not exist.
///
/// Only its SHA-256 is kept, in memory: a process restart forgets every claim.
struct ClaimToken: Sendable {
    /// The token itself, shown to the client once per signup request.
    let value: String
    let digest: [UInt8]

    /// A new random token.
    static func generate() -> ClaimToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let value = Data(bytes).base64URLEncodedString()
        return ClaimToken(value: value, digest: digest(of: value))
    }

    /// What a presented token is compared by (its SHA-256): hashing first means the comparison
    /// time does not depend on how much of a token was guessed.
    static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Whether two digests are equal, in time independent of where they differ.
    static func equal(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// The token `request` presents: `Authorization: Bearer <token>`, else `?token=<token>`
    /// (what the no-JS status page's link carries, as a browser cannot send a header there).
    static func presented(in request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                if !token.isEmpty { return token }
            }
        }
        if let token = request.uri.queryParameters["token"], !token.isEmpty { return String(token) }
        return nil
    }
}
