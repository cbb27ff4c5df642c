public import Hummingbird
public import NIOCore

/// The request context of every Tenantry route: Hummingbird's per-request storage, the
/// request-body limit, the authenticated tenant (see `TenantAuthenticatedContext`) and the
/// connection (for `RefusedBodyMiddleware`, which closes it after a refused body).
public struct TenantryRequestContext: TenantAuthenticatedContext, PeerAddressContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: AuthenticatedTenant?
    /// The connection the request came on.
    public let channel: any Channel

    /// The largest request body read, 64 KiB: an evaluation context is a few hundred bytes, and
    /// nothing on the request path should buffer much per request. Larger bodies get 413.
    public static let maximumRequestBodySize = 64 * 1024

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        tenant = nil
        channel = source.channel
    }

    public var maxUploadSize: Int { Self.maximumRequestBodySize }

    public var peerAddress: String? { channel.remoteAddress?.ipAddress }
}
