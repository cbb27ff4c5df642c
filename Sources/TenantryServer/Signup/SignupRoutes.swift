import Foundation
public import Hummingbird

/// Self-serve signup over JSON:
///
/// - `POST /v1/signup` `{"email", "organization"}` (`Content-Type: application/json`, an
///   optional `Idempotency-Key`): 202 `{"tenantId", "slug", "status", "statusUrl",
///   "claimToken"}` once the tenant is registered; provisioning goes on in the background. A
///   retry with the same key gets the same answer without `claimToken` (the first had it);
///   429 `signup-rate-limited` past the per-client limits (`SignupLimits`).
/// - `GET /v1/signup/{id}` with `Authorization: Bearer <claimToken>` (or `?token=`): the
///   progress (`SignupProgress.json`), the first API key in exactly one answer; 404 for any
///   signup the token is not for.
///
/// No authentication: the claim token is the only credential, and what it shows is one signup.
public struct SignupRoutes<Context: PeerAddressContext>: Sendable {
    public let coordinator: SignupCoordinator
    /// Where a request's client address comes from, for the per-client limits.
    public let limits: SignupLimits

    public init(coordinator: SignupCoordinator, limits: SignupLimits = .standard) {
        self.coordinator = coordinator
        self.limits = limits
    }

    /// Adds the JSON routes and the page's (`SignupPageRoutes`): the page is this API's face.
    public func register(on router: some RouterMethods<Context>) {
        router.refuseMethods(on: "v1/signup", except: [.post])
        router.refuseMethods(on: "v1/signup/:id", except: [.get, .head])
        router.post("v1/signup", use: signup)
        router.get("v1/signup/:id", use: status)
        SignupPageRoutes(coordinator: coordinator, limits: limits).register(on: router)
    }

    /// `POST /v1/signup`: 202, or 400 naming the field (the body or `Idempotency-Key`), 413,
    /// 415, 422 for a key used with other data, 429 past a limit.
    @Sendable func signup(_ request: Request, context: Context) async throws -> Response {
        try request.requireJSONContentType()
        let key = try IdempotencyKey.from(request.headers)
        let form = try await request.decodeJSON(as: SignupForm.self, context: context)
        let (ticket, status) = try await coordinator.start(
            try form.signupRequest(idempotencyKey: key), idempotencyKey: key, client: limits.client(of: request, context: context)
        )
        return .json(
            ticket.json(status: status), status: .accepted,
            headers: [.location: ticket.statusPath, .cacheControl: "no-store"]
        )
    }

    /// `GET /v1/signup/{id}`: 200 with the progress, 404 signup-not-found. A HEAD request never
    /// takes the key (its body would be dropped, and the key with it).
    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let token = ClaimToken.presented(in: request),
            let progress = await coordinator.progress(of: id, claimToken: token, revealingKey: request.method != .head)
        else {
            throw ProblemDetails.signupNotFound()
        }
        return .json(progress.json, headers: [.cacheControl: "no-store"])
    }
}
