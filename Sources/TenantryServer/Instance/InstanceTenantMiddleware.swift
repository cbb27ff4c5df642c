public import EventStore
public import Foundation
public import Hummingbird
public import Provisioning

/// On a single-tenant instance, refuses the API keys of every other tenant, and event-stream
/// tokens naming another tenant, before any route runs: 403 `tenant-not-served`. Requests
/// without a key pass on to the routes' own authentication. An instance's own directory holds
/// only its tenant (its database login reads no other tenant's registry), so there another
/// tenant's key is simply unknown, and the routes answer 401; a stream token names its tenant,
/// so that one is still refused here.
public struct InstanceTenantMiddleware<Context: RequestContext>: RouterMiddleware {
    public let directory: LiveView<TenantDirectory>
    public let tenantID: UUID
    public let slug: String

    public init(directory: LiveView<TenantDirectory>, tenantID: UUID, slug: String) {
        self.directory = directory
        self.tenantID = tenantID
        self.slug = slug
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let key = APIKeyAuthenticationMiddleware<TenantryRequestContext>.presentedKey(in: request.headers),
            let (tenant, _) = directory.state.authenticate(apiKey: key), tenant.id != tenantID
        {
            throw ProblemDetails.tenantNotServed(instance: slug)
        }
        // The token is refused for the tenant it names, valid or not: that tells nothing.
        if let text = request.uri.queryParameters["token"], let token = OFREPEventStreamToken(text), token.tenantID != tenantID {
            throw ProblemDetails.tenantNotServed(instance: slug)
        }
        return try await next(request, context)
    }
}

extension ProblemDetails {
    /// 403: a valid key of another tenant, presented to a single-tenant instance.
    public static func tenantNotServed(instance slug: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "tenant-not-served", title: "This instance serves another tenant", status: .forbidden,
            detail: "this is the single-tenant instance of \(slug): it serves that tenant's API keys only",
            extensions: ["instance": .string(slug)])
    }
}
