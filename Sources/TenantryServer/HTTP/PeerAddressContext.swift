public import Hummingbird

/// A request context that knows the address of the connection's peer (for per-client limits).
public protocol PeerAddressContext: RequestContext {
    /// The peer's IP address as text, or nil (a Unix socket, a test client without one).
    var peerAddress: String? { get }
}
