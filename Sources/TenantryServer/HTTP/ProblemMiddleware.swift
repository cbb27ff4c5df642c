public import Hummingbird
import NIOCore

/// Turns every error a route throws into a response, so clients only ever see problem details
/// (RFC 9457) or a protocol's own error shape:
///
/// - `ProblemDetails`: as it is.
/// - a body over the request limit (`NIOTooManyBytesError`): 413 content-too-large.
/// - Hummingbird's `HTTPError`: 404 (no route) as not-found, others as `about:blank`.
/// - any other `HTTPResponseError` renders itself (e.g. OFREP's error bodies).
/// - the database away (unreachable, restarting, failing over, too busy to answer in time):
///   503 database-unavailable with `Retry-After`, logged as a warning.
/// - anything else: logged, 500 internal-error.
///
/// Add it first, so it wraps every other middleware and the not-found responder:
///
/// ```swift
/// let router = Router(context: TenantryRequestContext.self)
/// router.add(middleware: ProblemMiddleware())
/// ```
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as ProblemDetails {
            return try problem.response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try ProblemDetails.contentTooLarge(limit: context.maxUploadSize).response(from: request, context: context)
        } catch let error as HTTPError {
            let problem: ProblemDetails = error.status == .notFound
                ? .routeNotFound(request)
                : .status(error.status, detail: error.body, headers: error.headers)
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try error.response(from: request, context: context)
        } catch let error where DatabaseOutage.explains(error) {
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            let reason = DatabaseOutage.reason(for: error) ?? "the database is not reachable right now"
            return try ProblemDetails.databaseUnavailable(reason).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return try ProblemDetails.internalError().response(from: request, context: context)
        }
    }
}
