import Extensions
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import Tenancy

/// The routes of the instance's customization, under `/x/<customization-id>/`: each request
/// authenticated (the instance tenant's key, unless the route is public) as the tenant API
/// authenticates, so with a `manage` key (403 insufficient-scope otherwise), an active tenant
/// (403 tenant-not-active) and within the tenant's rate limit (429), then handed to the route
/// within its budget, and its failure turned into a problem naming the customization.
struct CustomizationRoutes {
    let scope: InstanceScope
    let views: LiveViews
    /// The tenant API's limiter: customization routes spend the same budget.
    let limiter: TenantRateLimiter
    /// Bodies above this are refused with 413 before the customization sees them.
    static let maximumBodySize = 64 * 1024

    func register(on router: Router<TenantryRequestContext>) {
        let host = scope.customization
        let prefix = "x/\(host.id)"
        for route in host.routes {
            let path = RouterPath("\(prefix)/\(route.path)")
            router.on(path, method: HTTPRequest.Method(route.method) ?? .get) { request, context in
                try await respond(route, request: request, context: context)
            }
        }
    }

    private func respond(_ route: CustomizationRoute, request: Request, context: TenantryRequestContext) async throws -> Response {
        var tenantID: UUID?
        if route.requiresTenantKey {
            guard let key = APIKeyAuthenticationMiddleware<TenantryRequestContext>.presentedKey(in: request.headers) else {
                throw ProblemDetails.unauthorized("no API key: send Authorization: Bearer <key> or X-API-Key: <key>")
            }
            guard let (tenant, keyID) = views.directory.state.authenticate(apiKey: key), tenant.id == scope.tenantID else {
                throw ProblemDetails.unauthorized("the API key is not valid here: it is unknown, revoked or another tenant's")
            }
            let caller = AuthenticatedTenant(state: tenant, keyID: keyID)
            guard caller.scope.allows(.manage) else { throw ProblemDetails.insufficientScope(required: .manage, presented: caller.scope) }
            guard tenant.status == .active else { throw ProblemDetails.tenantNotActive(slug: tenant.slug, state: tenant.status.rawValue) }
            try await limiter.admitRequest(of: tenant.id)
            tenantID = tenant.id
        }
        let body = try await request.readBody(upTo: Self.maximumBodySize)
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first }
        let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }) { first, _ in first }
        let customizationRequest = CustomizationRequest(
            method: route.method, path: route.path, query: query, headers: headers, body: Array(buffer: body), tenantID: tenantID)
        let answer: CustomizationResponse
        do {
            answer = try await scope.customization.respond(route, to: customizationRequest)
        } catch let error as CustomizationError {
            throw ProblemDetails.customization(error)
        }
        var fields = HTTPFields()
        fields[.contentType] = answer.contentType
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
