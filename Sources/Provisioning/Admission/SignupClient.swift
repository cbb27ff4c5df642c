import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who a self-serve signup came from, as the abuse limits count it: the client's network (an
/// IPv4 address, or an IPv6 /64, which one subscriber usually holds whole), kept only as a
/// SHA-256 digest so the limits' table never holds an address.
public struct SignupClient: Sendable, Hashable, CustomStringConvertible {
    /// Lowercase hex SHA-256 of the network's bytes.
    public let digest: String

    /// The client at `address` (dotted IPv4 or IPv6 text, an IPv4-mapped IPv6 address counts
    /// as its IPv4); nil when it is not an IP address.
    public init?(address: String) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        var v4 = in_addr()
        var v6 = in6_addr()
        let network: [UInt8]
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            network = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                network = Array(bytes[12..<16])
            } else {
                network = [6] + bytes[0..<8]
            }
        } else {
            return nil
        }
        digest = SHA256.hash(data: Array("tenantry-signup-client:".utf8) + network).map { String(format: "%02x", $0) }.joined()
    }

    /// Signups whose client is not known (no peer address): they share one budget.
    public static let unknown = SignupClient(digest: String(repeating: "0", count: 64))

    private init(digest: String) {
        self.digest = digest
    }

    public var description: String { "client " + digest.prefix(12) }
}
