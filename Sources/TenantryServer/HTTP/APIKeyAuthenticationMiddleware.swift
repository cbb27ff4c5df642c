public import EventStore
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
        // One Authorization field only: with two, a proxy taking the last and this server the
        // first would disagree on who is calling.
        let authorizations = headers[values: .authorization]
        if authorizations.count == 1, let authorization = authorizations.first {
            // RFC 9110 §11.1: the scheme is case-insensitive; one space or more before the token.
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = trimmingOptionalWhitespace(parts[1])
                if !token.isEmpty { return String(token) }
            }
        }
        if let field = headers.first(where: { $0.name.canonicalName == apiKeyHeader }) {
            let key = trimmingOptionalWhitespace(field.value[...])
            if !key.isEmpty { return String(key) }
        }
        return nil
    }

    /// `text` without the spaces and tabs around it (RFC 9110's optional whitespace).
    private static func trimmingOptionalWhitespace(_ text: Substring) -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isWhitespace($0) }), let last = text.lastIndex(where: { !isWhitespace($0) }) else {
            return ""
        }
        return text[first...last]
    }
}
