public import Provisioning

/// An IP network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one address): the proxies
/// whose forwarding header `ClientAddressSource` trusts.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    let address: IPAddress
    /// How many leading bits an address must share with `address` to be inside.
    let prefixLength: Int
    public let description: String

    /// Parses `text` (`address` or `address/prefix`); nil when it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bytes.count * 8
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        self.address = address
        self.description = text
    }

    /// Whether `candidate` is inside this network.
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (byte, network) in zip(candidate.bytes, address.bytes) where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if byte & mask != network & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Loopback, IPv4 and IPv6: where a proxy on the same host connects from.
    public static let loopback: [IPNetwork] = ["127.0.0.0/8", "::1"].compactMap(IPNetwork.init)
}
