import FeatureFlags
import Foundation
public import Hummingbird

/// Refuses a request whose path or query parameters hold U+0000 (`%00`), which PostgreSQL
/// cannot store or compare: 400 `invalid-request` naming the parameter (or `path`), before any
/// route reads them. On the admin API, whose parameters become commands and queries (a
/// `?reason=` is recorded); elsewhere parameters are credentials or numbers, refused as such
/// (a `?token=%00` is a token that is not valid: 401 or 404). Request bodies are held to the
/// same rule where they are decoded (`Request.decodeJSON`), and the event store refuses such
/// text from any other writer.
public struct StorableTextMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let field = Self.firstUnstorableField(of: request) { throw ProblemDetails.unstorableText(field: field) }
        return try await next(request, context)
    }

    /// `path`, or the name of the first query parameter whose name or value holds U+0000.
    static func firstUnstorableField(of request: Request) -> String? {
        // Only a percent-escape can carry U+0000 in a request line.
        guard request.uri.description.localizedCaseInsensitiveContains("%00") else { return nil }
        let path = request.uri.path
        if JSONValue.isUnstorable(path.removingPercentEncoding ?? path) { return "path" }
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            if JSONValue.isUnstorable(name) || JSONValue.isUnstorable(String(value)) {
                return JSONValue.isUnstorable(name) ? "query" : name
            }
        }
        return nil
    }
}
