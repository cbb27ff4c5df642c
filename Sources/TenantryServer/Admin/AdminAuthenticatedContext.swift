public import Hummingbird

/// A request context that can carry the admin `AdminAuthenticationMiddleware` resolved.
/// Handlers behind that middleware read it with `requireAdmin()`; nobody parses the
/// `Authorization` header twice.
public protocol AdminAuthenticatedContext: RequestContext {
    /// Nil until the authentication middleware ran.
    var admin: AuthenticatedAdmin? { get set }
}

extension AdminAuthenticatedContext {
    /// The authenticated admin; 401 when the route was registered without the middleware.
    public func requireAdmin() throws -> AuthenticatedAdmin {
        guard let admin else { throw ProblemDetails.unauthorized("this route needs an admin token") }
        return admin
    }
}
