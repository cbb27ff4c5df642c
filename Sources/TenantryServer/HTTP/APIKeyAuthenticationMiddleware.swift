public import EventStore
import Foundation
public import Hummingbird
public import Provisioning

/// Resolves the tenant from its API key, `Authorization: Bearer <key>` or `X-API-Key: <key>`
/// (the two schemes OFREP names), against the live tenant directory: one atomic load and a hash
/// lookup, no I/O. Without a key, or with an unknown or revoked one: 401 unauthorized.
///
/// ```swift
/// router.group("ofrep/v1")
///     .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
///     .add(middleware: ActiveTenantMiddleware())
/// ```
public struct APIKeyAuthenticationMiddleware<Context: TenantAuthenticatedContext>: RouterMiddleware {
    public let directory: LiveView<TenantDirectory>

    /// The header of OFREP's `ApiKeyAuth` scheme, lower-cased (header names compare so).
    public static var apiKeyHeader: String { "x-api-key" }

    public init(directory: LiveView<TenantDirectory>) {
        self.directory = directory
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let key = Self.presentedKey(in: request.headers) else {
            throw ProblemDetails.unauthorized("no API key: send Authorization: Bearer <key> or X-API-Key: <key>")
        }
        guard let (tenant, keyID) = directory.state.authenticate(apiKey: key) else {
            throw ProblemDetails.unauthorized("the API key is not valid: it is unknown or has been revoked")
        }
        return try await next(request, context.authenticated(as: tenant, keyID: keyID))
    }

    /// The key the request presents: a Bearer token, else the `X-API-Key` header.
    static func presentedKey(in headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            // RFC 9110 §11.1: the scheme is case-insensitive; one space or more before the token.
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                if !token.isEmpty { return token }
            }
        }
        if let key = headers.first(where: { $0.name.canonicalName == apiKeyHeader })?.value.trimmingCharacters(in: .whitespaces),
            !key.isEmpty
        {
            return key
        }
        return nil
    }
}
