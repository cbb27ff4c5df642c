public import Hummingbird
import Foundation
import Synchronization

/// 405 method-not-allowed, with `Allow`, for a method no route knows (`PROPFIND`, `FOO`) on a
/// path that exists; the router alone would answer 404, since it matches a path and a method
/// together. The usual methods, TRACE and QUERY are refused by the routes themselves
/// (`refuseMethods`); for any other method this middleware asks the router what TRACE on the
/// same path gets, and a 405 there is the answer's `Allow`. (That question goes through the
/// router's middleware again, so metrics count it as a TRACE request too; such methods are rare.)
/// A method the HTTP parser does not know at all (`FOO`) never gets here: it is a 400.
///
/// Add it to the router after every route, so it wraps only the not-found responder (Hummingbird
/// builds each route's middleware chain when the route is added, the not-found responder's when
/// the router is built), then give it the router:
///
/// ```swift
/// let unknownMethods = UnknownMethodMiddleware<TenantryRequestContext>()
/// router.add(middleware: unknownMethods)
/// unknownMethods.resolve(with: router)
/// ```
public struct UnknownMethodMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The router's responder, set once every route is in.
    final class Resolver: Sendable {
        let responder = Mutex<RouterResponder<Context>?>(nil)
    }

    let resolver = Resolver()

    public init() {}

    /// Lets the middleware ask `router` about paths; call it after the last route is added.
    public func resolve(with router: Router<Context>) {
        let responder = router.buildResponder()
        resolver.responder.withLock { $0 = responder }
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard !HTTPRequest.Method.refusable.contains(request.method), let allowed = try await allowedMethods(for: request, context: context) else {
                throw error
            }
            throw ProblemDetails.methodNotAllowed(request, allowed: allowed)
        }
    }

    /// The methods the path takes, as a refusal of TRACE lists them; nil for a path no route has.
    func allowedMethods(for request: Request, context: Context) async throws -> [HTTPRequest.Method]? {
        guard let responder = resolver.responder.withLock({ $0 }) else { return nil }
        var head = request.head
        head.method = .trace
        let probe = try await responder.respond(to: Request(head: head, body: RequestBody(buffer: ByteBuffer())), context: context)
        guard probe.status == .methodNotAllowed, let allow = probe.headers[.allow] else { return nil }
        return allow.split(separator: ",").compactMap { HTTPRequest.Method(String($0.trimmingCharacters(in: .whitespaces))) }
    }
}
