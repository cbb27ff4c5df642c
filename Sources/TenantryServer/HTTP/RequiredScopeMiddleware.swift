public import Hummingbird
public import Provisioning

/// Lets through only requests whose API key's scope allows `scope` (`APIKeyScope.allows`):
/// others get 403 `insufficient-scope` naming the scope needed. Goes after
/// `APIKeyAuthenticationMiddleware`; the scope is read from the key's `APIKeyIssued` event as
/// the live directory has it, no I/O.
///
/// ```swift
/// router.group("v1/tenant")
///     .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
///     .add(middleware: RequiredScopeMiddleware(.manage))
/// ```
public struct RequiredScopeMiddleware<Context: TenantAuthenticatedContext>: RouterMiddleware {
    public let scope: APIKeyScope

    public init(_ scope: APIKeyScope) {
        self.scope = scope
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let presented = try context.requireTenant().scope
        guard presented.allows(scope) else { throw ProblemDetails.insufficientScope(required: scope, presented: presented) }
        return try await next(request, context)
    }
}
