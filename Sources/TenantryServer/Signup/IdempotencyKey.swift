import Crypto
import Foundation
public import Hummingbird
import PostgresClient

/// The `Idempotency-Key` a client sends with `POST /v1/signup`: the same key with the same body
/// is the same signup, however often it arrives (a double click, a retry after a timeout).
///
/// 1 to 200 characters of `A–Z a–z 0–9 _ . : -` (a UUID fits); anything else is refused with a
/// 400 naming the header, before anything is registered.
public struct IdempotencyKey: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    /// The header, lower-cased (header names compare so).
    public static let headerName = "idempotency-key"

    /// Nil unless `value` is 1 to 200 characters of the allowed alphabet.
    public init?(_ value: String) {
        guard (1...200).contains(value.utf8.count),
            value.utf8.allSatisfy({ byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            })
        else { return nil }
        self.value = value
    }

    /// The key `headers` carry: nil without one, a 400 naming the header when it is malformed or
    /// sent twice with different values.
    public static func from(_ headers: HTTPFields) throws(ProblemDetails) -> IdempotencyKey? {
        let values = Set(headers.filter { $0.name.canonicalName == headerName }.map { $0.value.trimmingCharacters(in: .whitespaces) })
        guard let raw = values.first else { return nil }
        guard values.count == 1 else {
            throw ProblemDetails.invalidRequest("send one Idempotency-Key header, not several", field: "Idempotency-Key")
        }
        guard let key = IdempotencyKey(raw) else {
            throw ProblemDetails.invalidRequest(
                "the Idempotency-Key header must be 1 to 200 characters of A-Z, a-z, 0-9, _ . : or - (a UUID will do)",
                field: "Idempotency-Key"
            )
        }
        return key
    }

    /// The key recorded in the tenant registry: `web-` and the SHA-256 (hex) of this one. The
    /// registry takes 1 to 100 letters, digits, `-` and `_`; hashing maps every HTTP key into
    /// that, and the prefix keeps web signups' keys apart from those given to `tenant create`.
    public var registryKey: String {
        "web-" + SHA256.hash(data: Data(value.utf8)).hexadecimal
    }

    public var description: String { value }
}
