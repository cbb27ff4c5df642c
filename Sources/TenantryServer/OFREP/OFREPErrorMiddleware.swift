public import Hummingbird
import FeatureFlags
import NIOCore

/// Gives an unexpected failure on an OFREP route the shape OFREP specifies for it: 500 with
/// `application/json` `{"errorDetails": …}` (`generalErrorResponse`), not a problem document,
/// so an OFREP provider reads it as the protocol says.
///
/// Errors that already are responses (401 and 403 from authentication, 405, 413 for a body
/// over the limit) and the database being away (503) pass on to `ProblemMiddleware`: OFREP
/// gives them no body of its own.
public struct OFREPErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as NIOTooManyBytesError {
            throw error
        } catch let error where DatabaseOutage.explains(error) {
            // Evaluation never touches the database; what did (recording an activation) says
            // 503 and when to come back, like every other route, not OFREP's 500.
            throw error
        } catch is CancellationError {
            // The request was abandoned (the server is stopping, or the client left): no one
            // reads an answer, and it is no failure to log.
            throw CancellationError()
        } catch {
            context.logger.error("OFREP request failed", metadata: ["error": "\(String(reflecting: error))"])
            return .json(
                .object(["errorDetails": "The server could not evaluate the request; the failure is logged."]),
                status: .internalServerError
            )
        }
    }
}
