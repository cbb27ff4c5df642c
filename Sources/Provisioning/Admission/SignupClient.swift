import Crypto
import Foundation
import PostgresClient

/// Who a self-serve signup came from, as the abuse limits count it: the client's network (an
/// IPv4 address, or an IPv6 /64, which one subscriber usually holds whole), kept only as a
/// SHA-256 digest so the limits' table never holds an address.
public struct SignupClient: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase hex SHA-256 of the network's bytes.
    public let digest: String

    /// The client at `address` (IPv4 or IPv6 text); nil when it is not an IP address.
    public init?(address: String) {
        guard let parsed = IPAddress(address) else { return nil }
        self.init(parsed)
    }

    /// The client at `address`: its IPv4 address, or its IPv6 address's /64.
    public init(_ address: IPAddress) {
        let network = address.isIPv4 ? address.bytes : [6] + address.bytes.prefix(8)
        digest = SHA256.hash(data: Array("tenantry-signup-client:".utf8) + network).hexadecimal
    }

    /// Signups whose client is not known (no peer address): they share one budget.
    public static let unknown = SignupClient(digest: String(repeating: "0", count: 64))

    private init(digest: String) {
        self.digest = digest
    }

    public var description: String { "client " + digest.prefix(12) }
}
