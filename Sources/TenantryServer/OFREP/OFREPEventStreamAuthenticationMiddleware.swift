public import Hummingbird
public import Provisioning
public import EventStore
import Foundation

/// Authenticates the event stream: by the `token` query parameter of the URL a bulk evaluation
/// handed out (`OFREPEventStreamToken`; browsers' EventSource sends no headers), else by an API
/// key as every OFREP route does. A token that is not valid (malformed, expired, signed with
/// no secret of this server's, or its key revoked) is 401 like a bad key.
public struct OFREPEventStreamAuthenticationMiddleware<Context: TenantAuthenticatedContext>: RouterMiddleware {
    public let directory: LiveView<TenantDirectory>
    public let secrets: OFREPEventStreamSecrets

    public init(directory: LiveView<TenantDirectory>, secrets: OFREPEventStreamSecrets) {
        self.directory = directory
        self.secrets = secrets
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let text = request.uri.queryParameters["token"] else {
            return try await APIKeyAuthenticationMiddleware(directory: directory).handle(request, context: context, next: next)
        }
        guard let token = OFREPEventStreamToken(text), let (tenant, keyID) = token.authenticate(in: directory.state, secrets: secrets) else {
            throw ProblemDetails.unauthorized("the event stream token is not valid or has expired: fetch the flags again for a new stream URL")
        }
        // The stream ends when the token expires: a leaked token opens nothing for longer.
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(token.expiresAt))
        return try await next(request, context.authenticated(as: tenant, keyID: keyID, expiresAt: expiresAt))
    }
}
