public import Hummingbird

/// The request context of the admin API (`/v1/admin`): the server's context, plus the admin
/// the token belongs to and a larger body limit.
public struct AdminRequestContext: ChildRequestContext, AdminAuthenticatedContext {
    public var coreContext: CoreRequestContextStorage
    public var admin: AuthenticatedAdmin?

    /// The largest body the admin API reads, 1 MiB: a flagd document of a few hundred flags
    /// fits (every other admin body is far smaller). Larger bodies get 413.
    public static let maximumRequestBodySize = 1024 * 1024

    public init(context: TenantryRequestContext) throws {
        coreContext = context.coreContext
        admin = nil
    }

    public var maxUploadSize: Int { Self.maximumRequestBodySize }
}
