public import HTTPTypes
public import Provisioning

/// Where a request's client address comes from: the connection's peer, or, behind a reverse
/// proxy, a forwarding header that proxy sets (`X-Forwarded-For`), believed only when the
/// peer is one of `trustedProxies`, so a client cannot name itself someone else.
public struct ClientAddressSource: Sendable, Hashable {
    /// The forwarding header (a comma-separated list, client first, each proxy appending the
    /// address it saw); nil: the peer address is the client's.
    public var header: HTTPField.Name?
    /// The proxies whose header is believed; addresses in the header that are themselves
    /// trusted proxies are skipped, from the right.
    public var trustedProxies: [IPNetwork]

    /// No proxy: the peer is the client.
    public static let peer = ClientAddressSource(header: nil, trustedProxies: [])

    public init(header: HTTPField.Name?, trustedProxies: [IPNetwork] = IPNetwork.loopback) {
        self.header = header
        self.trustedProxies = trustedProxies
    }

    /// Trusting `headerName` from `trustedProxies`; nil when `headerName` is not a header name.
    public init?(headerName: String, trustedProxies: [IPNetwork] = IPNetwork.loopback) {
        guard let header = HTTPField.Name(headerName) else { return nil }
        self.init(header: header, trustedProxies: trustedProxies)
    }

    /// The client of a request from `peer` with `headers`; nil when no address is known.
    public func client(peer: String?, headers: HTTPFields) -> IPAddress? {
        let peerAddress = peer.flatMap(IPAddress.init)
        guard let header, let peerAddress, isTrusted(peerAddress) else { return peerAddress }
        let forwarded = headers[values: header].flatMap { $0.split(separator: ",") }.map(String.init)
        guard !forwarded.isEmpty else { return peerAddress }
        // From the right: the nearest hop our trusted proxy saw; a trusted proxy in between
        // forwarded it on. What is left of the first untrusted address the client wrote itself.
        for entry in forwarded.reversed() {
            guard let address = IPAddress(entry) else { return peerAddress }
            if !isTrusted(address) { return address }
        }
        return forwarded.first.flatMap(IPAddress.init) ?? peerAddress
    }

    private func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}
