import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address parsed from text, as its bytes (4 or 16). An IPv4-mapped IPv6
/// address (`::ffff:192.0.2.1`) is its IPv4 address, so one client is one address whichever
/// way its socket was opened.
public struct IPAddress: Sendable, Hashable {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public let bytes: [UInt8]

    /// The address in `text` (surrounding spaces ignored); nil when it is not one.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, trimmed, &v6) == 1 else { return nil }
        let all = withUnsafeBytes(of: &v6) { Array($0) }
        let isMappedIPv4 = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF
        bytes = isMappedIPv4 ? Array(all[12...]) : all
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }
}
