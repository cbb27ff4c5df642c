public import Hummingbird
import NIOCore

/// Turns every error a route throws into a response, so clients only ever see problem details
/// (RFC 9457) or a protocol's own error shape. One type for the whole server; where it sits
/// decides what it does:
///
/// - `ProblemMiddleware()`, first on the router, wraps every other middleware and the not-found
///   responder and renders every error:
///   - `ProblemDetails`: as it is.
///   - a body over the request limit (`NIOTooManyBytesError`): 413 content-too-large.
///   - Hummingbird's `HTTPError`: 404 (no route) as not-found, others as `about:blank`.
///   - any other `HTTPResponseError` renders itself.
///   - the database away (unreachable, restarting, failing over, too busy to answer in time):
///     503 database-unavailable with `Retry-After`, logged as a warning.
///   - anything else: logged, 500 internal-error.
/// - `.admin`, first in the admin group: the services' refusals (`FlagError`,
///   `TenantLifecycleError`, `EvaluationContextError`, `CustomizationError`, `CellError`, …) become their
///   problem documents (`ProblemDetails.admin(_:)`) and a body over the admin limit 413 with
///   that limit; it throws them on, so the outer instance renders them and the metrics count
///   them as the errors they are.
/// - `.ofrep`, first in each OFREP group: an unexpected failure is OFREP's own 500, `application/json`
///   `{"errorDetails": …}` (`generalErrorResponse`), not a problem document, so an OFREP
///   provider reads it as the protocol says. Errors that already are responses (401, 403, 405,
///   413) and the database being away (503) pass on: OFREP gives them no body of its own.
///
/// ```swift
/// let router = Router(context: TenantryRequestContext.self)
/// router.add(middleware: ProblemMiddleware())
/// router.group("v1/admin", context: AdminRequestContext.self).add(middleware: ProblemMiddleware.admin)
/// ```
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// What an instance inside a route group answers for a failure nothing else explains.
    enum Fault: Sendable {
        /// Rendered by the outermost instance: 500 internal-error.
        case internalError
        /// Thrown on, to the outermost instance.
        case passOn
        /// OFREP's `generalErrorResponse`, answered here.
        case ofrepGeneralError
    }

    /// True for the instance on the router itself, which answers every error.
    let isOutermost: Bool
    /// The group's own refusals as problems (nil: not a refusal).
    let refusal: @Sendable (any Error) -> ProblemDetails?
    let fault: Fault

    /// The outermost instance: add it first on the router.
    public init() {
        self.init(isOutermost: true, refusal: { _ in nil }, fault: .internalError)
    }

    init(isOutermost: Bool, refusal: @escaping @Sendable (any Error) -> ProblemDetails?, fault: Fault) {
        self.isOutermost = isOutermost
        self.refusal = refusal
        self.fault = fault
    }

    /// For the admin group: the services' refusals as problem documents, the admin body limit in 413.
    public static var admin: Self {
        Self(isOutermost: false, refusal: { ProblemDetails.admin($0) }, fault: .passOn)
    }

    /// For the OFREP groups: an unexpected failure as OFREP's 500.
    public static var ofrep: Self {
        Self(isOutermost: false, refusal: { _ in nil }, fault: .ofrepGeneralError)
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            switch outcome(of: error, request: request, context: context) {
            case .answer(let response):
                return response
            case .error(let error as any HTTPResponseError) where isOutermost:
                return try error.response(from: request, context: context)
            case .error(let error):
                throw error
            }
        }
    }

    /// What becomes of an error: an answer given here, or an error for the outermost instance
    /// to render (which it can: every error it is left with is a response error).
    private enum Outcome {
        case answer(Response)
        case error(any Error)
    }

    private func outcome(of error: any Error, request: Request, context: Context) -> Outcome {
        // The body limit is this context's: the admin group's is larger than the rest.
        if error is NIOTooManyBytesError {
            return .error(ProblemDetails.contentTooLarge(limit: context.maxUploadSize))
        }
        if let refused = refusal(error) {
            return .error(refused)
        }
        switch error {
        case let error as HTTPError where isOutermost:
            let problem: ProblemDetails = error.status == .notFound
                ? .routeNotFound(request)
                : .status(error.status, detail: error.body, headers: error.headers)
            return .error(problem)
        case is any HTTPResponseError:
            // ProblemDetails as they are; any other response error (e.g. OFREP's error bodies)
            // renders itself.
            return .error(error)
        case let error where DatabaseOutage.explains(error):
            // Evaluation never touches the database; what did (recording an activation) says
            // 503 and when to come back, like every other route, not OFREP's 500.
            guard isOutermost else { return .error(error) }
            context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .error(ProblemDetails.databaseUnavailable(DatabaseOutage.reason(for: error) ?? "the database is not reachable right now"))
        case is CancellationError where !isOutermost:
            // The request was abandoned (the server is stopping, or the client left): no one
            // reads an answer, and it is no failure to log here.
            return .error(error)
        default:
            switch fault {
            case .passOn:
                return .error(error)
            case .internalError:
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
                return .error(ProblemDetails.internalError())
            case .ofrepGeneralError:
                context.logger.error("OFREP request failed", metadata: ["error": "\(String(reflecting: error))"])
                return .answer(.json(
                    .object(["errorDetails": "The server could not evaluate the request; the failure is logged."]),
                    status: .internalServerError
                ))
            }
        }
    }
}
