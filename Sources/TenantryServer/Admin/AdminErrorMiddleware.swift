public import Hummingbird
import NIOCore

/// Turns the services' refusals (`FlagError`, `TenantLifecycleError`, `EvaluationContextError`)
/// into their problem details (see `ProblemDetails.admin(_:)`), and a body over the admin
/// limit into 413 with that limit; everything else goes on to `ProblemMiddleware`. It comes
/// first in the admin group, so it sees what authentication and the handlers throw.
public struct AdminErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.contentTooLarge(limit: context.maxUploadSize)
        } catch {
            throw ProblemDetails.admin(error) ?? error
        }
    }
}
