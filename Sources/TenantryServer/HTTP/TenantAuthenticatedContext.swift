public import Foundation
public import Hummingbird
public import Provisioning

/// A request context that can carry the tenant `APIKeyAuthenticationMiddleware` resolved.
/// Handlers behind that middleware read it with `requireTenant()`; nobody parses the
/// `Authorization` header twice.
public protocol TenantAuthenticatedContext: RequestContext {
    /// Nil until the authentication middleware ran.
    var tenant: AuthenticatedTenant? { get set }
}

extension TenantAuthenticatedContext {
    /// The authenticated tenant; 401 when the route was registered without the middleware.
    public func requireTenant() throws -> AuthenticatedTenant {
        guard let tenant else { throw ProblemDetails.unauthorized("this route needs an API key") }
        return tenant
    }

    /// This context with `tenant`, authenticated by its key `keyID`, and its logger naming it.
    public func authenticated(as tenant: TenantState, keyID: UUID, expiresAt: Date? = nil) -> Self {
        var context = self
        context.tenant = AuthenticatedTenant(state: tenant, keyID: keyID, expiresAt: expiresAt)
        context.logger[metadataKey: "tenant"] = .string(tenant.slug)
        return context
    }
}
