public import Hummingbird
import Provisioning

/// Lets only active tenants through: a suspended, offboarded, failed or still provisioning
/// tenant gets 403 tenant-not-active naming its state. Goes after
/// `APIKeyAuthenticationMiddleware`.
public struct ActiveTenantMiddleware<Context: TenantAuthenticatedContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let tenant = try context.requireTenant().state
        guard tenant.status == .active else {
            throw ProblemDetails.tenantNotActive(slug: tenant.slug, state: tenant.status.rawValue)
        }
        return try await next(request, context)
    }
}
