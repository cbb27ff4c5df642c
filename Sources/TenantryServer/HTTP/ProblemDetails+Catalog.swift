public import Hummingbird

/// Every problem type Tenantry sends, in one place so the `type` URIs stay stable: clients
/// switch on them. The URIs identify; nothing needs to be served at them.
extension ProblemDetails {
    /// The prefix of every Tenantry problem type.
    public static let typeBase = "https://tenantry.dev/problems/"

    /// 401: no API key, or one that is unknown or revoked. Says which of the two, not which key
    /// exists: an unknown and a revoked key read the same.
    public static func unauthorized(_ detail: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "unauthorized", title: "Unauthorized", status: .unauthorized, detail: detail,
            headers: [.wwwAuthenticate: #"Bearer realm="tenantry""#]
        )
    }

    /// 403: the key is valid but its tenant is suspended, offboarded, still provisioning or failed.
    public static func tenantNotActive(slug: String, state: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "tenant-not-active", title: "Tenant not active", status: .forbidden,
            detail: "tenant \(slug) is \(state); only active tenants can use the API",
            extensions: ["tenant": .string(slug), "state": .string(state)]
        )
    }

    /// 400: the request body (or a parameter) is not what the route takes; `field` names the
    /// offending field when there is one (`plan`, `rules[2].variant`).
    public static func invalidRequest(_ detail: String, field: String? = nil) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "invalid-request", title: "Invalid request", status: .badRequest, detail: detail,
            extensions: field.map { ["field": .string($0)] } ?? [:]
        )
    }

    /// 400 `invalid-request`: a string (or object key, or query parameter) holds U+0000 (NUL),
    /// which PostgreSQL cannot store; `field` is its JSON path (`rules[0].name`) or parameter name.
    public static func unstorableText(field: String) -> ProblemDetails {
        invalidRequest("\"\(field)\" contains U+0000 (NUL), which cannot be stored; remove it", field: field)
    }

    /// 404: no route for this path.
    public static func routeNotFound(_ request: Request) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "not-found", title: "Not found", status: .notFound,
            detail: "no route for \(request.method.rawValue) \(request.uri.path)"
        )
    }

    /// 405: the path exists, the method does not; `Allow` lists the methods that do.
    public static func methodNotAllowed(_ request: Request, allowed: [HTTPRequest.Method]) -> ProblemDetails {
        let allow = allowed.map(\.rawValue).joined(separator: ", ")
        return ProblemDetails(
            typeURI: typeBase + "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed,
            detail: "\(request.uri.path) does not support \(request.method.rawValue); use \(allow)",
            headers: [.allow: allow]
        )
    }

    /// 413: the request body is larger than the server reads.
    public static func contentTooLarge(limit: Int) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "content-too-large", title: "Content too large", status: .contentTooLarge,
            detail: "the request body is larger than \(limit) bytes",
            extensions: ["limit": .integer(Int64(limit))]
        )
    }

    /// How long a client is told to wait before retrying while the database is away: about
    /// the time a restart or a Patroni failover takes.
    public static let databaseRetryAfterSeconds = 5

    /// 503: the database cannot be reached, is restarting or failing over, or is too busy to
    /// answer in time. Nothing was done (or, at worst, a write committed that the answer could
    /// not confirm; every write Tenantry offers is safe to retry with its idempotency key), so
    /// the same request may be sent again after `Retry-After`.
    public static func databaseUnavailable(
        _ reason: String = "the database is not reachable right now"
    ) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "database-unavailable", title: "Database unavailable", status: .serviceUnavailable,
            detail: "\(reason); retry after \(databaseRetryAfterSeconds) seconds",
            headers: [.retryAfter: String(databaseRetryAfterSeconds)],
            extensions: ["retryAfter": .integer(Int64(databaseRetryAfterSeconds))]
        )
    }

    /// 500: a fault of the server; the detail says nothing about its insides.
    public static func internalError() -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "internal-error", title: "Internal server error", status: .internalServerError,
            detail: "the server failed to handle the request; it has been logged"
        )
    }

    /// Any other HTTP error status (from Hummingbird itself): `about:blank`, whose title is the
    /// status's reason phrase (RFC 9457 §4.2.1).
    public static func status(_ status: HTTPResponse.Status, detail: String? = nil, headers: HTTPFields = [:]) -> ProblemDetails {
        ProblemDetails(
            typeURI: "about:blank", title: status.reasonPhrase, status: status,
            detail: detail ?? status.reasonPhrase, headers: headers
        )
    }
}
