public import AdminTokens
public import EventStore
import Foundation
public import Hummingbird
public import Provisioning
import Tenantry

/// Resolves the admin behind a request from `Authorization: Bearer <admin token>`: a token
/// recorded as events (the live `AdminTokenDirectory`: one atomic load and a hash lookup), or
/// the server's configured token (`TENANTRY_ADMIN_TOKEN`, compared by digest in constant time).
/// No token, or an unknown or revoked one: 401 unauthorized. A tenant's API key: 403
/// admin-token-required (it proves a tenant, not an admin).
///
/// ```swift
/// router.group("v1/admin", context: AdminRequestContext.self)
///     .add(middleware: AdminAuthenticationMiddleware(tokens: views.adminTokens, configured: nil, tenants: views.directory))
/// ```
public struct AdminAuthenticationMiddleware<Context: AdminAuthenticatedContext>: RouterMiddleware {
    public let tokens: LiveView<AdminTokenDirectory>
    public let configured: ConfiguredAdminToken?
    /// Only to tell a tenant's key apart from a wrong token, for a clearer refusal.
    public let tenants: LiveView<TenantDirectory>

    public init(tokens: LiveView<AdminTokenDirectory>, configured: ConfiguredAdminToken?, tenants: LiveView<TenantDirectory>) {
        self.tokens = tokens
        self.configured = configured
        self.tenants = tenants
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.bearerToken(in: request.headers) else {
            throw ProblemDetails.unauthorized("no admin token: send Authorization: Bearer <admin token>")
        }
        let admin: AuthenticatedAdmin
        if let record = tokens.state.authenticate(token: token) {
            admin = AuthenticatedAdmin(actor: record.actor, tokenID: record.id)
        } else if let configured, configured.matches(token) {
            admin = AuthenticatedAdmin(actor: ConfiguredAdminToken.actor, tokenID: nil)
        } else if tenants.state.authenticate(apiKey: token) != nil {
            throw ProblemDetails.adminTokenRequired()
        } else {
            throw ProblemDetails.unauthorized("the admin token is not valid: it is unknown or has been revoked")
        }
        var context = context
        context.admin = admin
        context.logger[metadataKey: "admin"] = .string(admin.actor)
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme is
    /// case-insensitive).
    static func bearerToken(in headers: HTTPFields) -> String? {
        guard let authorization = headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
