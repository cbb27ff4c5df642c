public import Hummingbird
public import Provisioning

/// The abuse limits of self-serve signup: the admission policy, counted per client in the
/// control plane so every server shares it (`SignupAdmissions`), and where a request's client
/// address comes from (`ClientAddressSource`).
public struct SignupLimits: Sendable, Hashable {
    /// The limits per client; nil admits every signup (only for tests and trusted set-ups).
    public var admission: SignupAdmissionPolicy?
    /// How a request's client address is found (behind a proxy: its forwarding header).
    public var clientAddress: ClientAddressSource

    public init(admission: SignupAdmissionPolicy? = .standard, clientAddress: ClientAddressSource = .peer) {
        self.admission = admission
        self.clientAddress = clientAddress
    }

    /// `SignupAdmissionPolicy.standard` per peer address.
    public static let standard = SignupLimits()

    /// The client a signup request counts against: its address as `clientAddress` finds it,
    /// or `SignupClient.unknown` (one shared budget) when there is none.
    public func client<Context: PeerAddressContext>(of request: Request, context: Context) -> SignupClient {
        clientAddress.client(peer: context.peerAddress, headers: request.headers).map(SignupClient.init) ?? .unknown
    }
}
