import Extensions
import Foundation
public import Hummingbird
import HTTPTypes
import NIOCore

/// The routes of the instance's customization, under `/x/<customization-id>/`: each request
/// authenticated (the instance tenant's key, unless the route is public), handed to the route
/// within its budget, and its failure turned into a problem naming the customization.
struct CustomizationRoutes {
    let scope: InstanceScope
    let views: LiveViews
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
            guard let (tenant, _) = views.directory.state.authenticate(apiKey: key), tenant.id == scope.tenantID else {
                throw ProblemDetails.unauthorized("the API key is not valid here: it is unknown, revoked or another tenant's")
            }
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
