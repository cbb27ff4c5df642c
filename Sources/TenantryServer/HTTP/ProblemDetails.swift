public import FeatureFlags
public import Hummingbird

/// An error as RFC 9457 problem details (`application/problem+json`): a stable `type` URI a
/// client can switch on, a short `title` that is the same for every occurrence of the type, the
/// HTTP `status`, a `detail` about this occurrence, and extension members where they help.
///
/// Throw one from a handler or a middleware; `ProblemMiddleware` turns it (and every other
/// error) into its response:
///
/// ```swift
/// guard let tenant = context.tenant else { throw ProblemDetails.unauthorized("missing API key") }
/// ```
///
/// The types Tenantry uses are in `ProblemDetails+Catalog.swift`.
public struct ProblemDetails: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The problem type, a URI (`https://tenantry.dev/problems/unauthorized`); `about:blank`
    /// when the status code says it all.
    public var typeURI: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String
    /// Headers the response needs (`WWW-Authenticate`, `Allow`, …).
    public var headers: HTTPFields
    /// More members of the body, e.g. the state of a tenant that is not active.
    public var extensions: [String: JSONValue]

    public init(
        typeURI: String,
        title: String,
        status: HTTPResponse.Status,
        detail: String,
        headers: HTTPFields = [:],
        extensions: [String: JSONValue] = [:]
    ) {
        self.typeURI = typeURI
        self.title = title
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extensions = extensions
    }

    /// The media type of problem details (RFC 9457 §3).
    public static let mediaType = "application/problem+json"

    /// The body: the standard members over any extension member of the same name.
    public var body: JSONValue {
        var members = extensions
        members["type"] = .string(typeURI)
        members["title"] = .string(title)
        members["status"] = .integer(Int64(status.code))
        members["detail"] = .string(detail)
        return .object(members)
    }

    /// The problem as its response: status, headers and the `application/problem+json` body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(body, status: status, contentType: Self.mediaType, headers: headers)
    }

    public var description: String { "\(status.code) \(title): \(detail)" }
}
