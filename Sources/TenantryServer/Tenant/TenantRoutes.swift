import FeatureFlags
import Foundation
public import Hummingbird
import Logging
public import Provisioning
public import Tenancy

/// The tenant's self-service API, for the tenant whose API key the request carries
/// (`Authorization: Bearer <key>` or `X-API-Key`):
///
/// - `GET /v1/tenant`: the tenant, its plan's limits, its live keys and its onboarding checklist.
/// - `POST /v1/tenant/api-keys` `{"label"?, "scope"?}`: 201, a new key shown once, `Location`
///   of it; `scope` is `evaluate` (the default) or `manage`.
/// - `DELETE /v1/tenant/api-keys/{id}`: 204; 404 for a key it does not hold, 409 for its last
///   `manage` key.
/// - `POST /v1/tenant/plan` `{"plan"}`: 200 and the tenant, among the self-serve plans only;
///   a paid one only when the `PaymentHook` authorises it (402 `payment-required` otherwise).
/// - `GET /v1/tenant/events?after=&limit=`: its own audit trail, secrets left out, with `next`.
///
/// Every route needs a `manage` key (an `evaluate` key gets 403 insufficient-scope), an active
/// tenant (a suspended one gets 403 tenant-not-active, also for `GET /v1/tenant`: the key may
/// not be the account owner's, and the problem names the state) and is rate limited by the
/// tenant's plan (429 with `Retry-After`). Key changes and plan changes are capped per day
/// (`TenantDailyCaps`: 429 `daily-cap-reached`). A command's committed
/// state is adopted by the live directory before it answers, so the caller's next request to
/// this server sees its own write (other servers see it once their feed delivers it).
public struct TenantRoutes<Context: TenantAuthenticatedContext>: Sendable {
    public let views: LiveViews
    public let tenants: TenantService
    public let limiter: TenantRateLimiter
    /// How many key and plan changes a tenant may make a day through these routes.
    public let caps: TenantDailyCaps
    /// What authorises a move to a paid plan; nil refuses every such move (402).
    public let paymentHook: (any PaymentHook)?

    public init(
        views: LiveViews, tenants: TenantService, limiter: TenantRateLimiter? = nil, caps: TenantDailyCaps = .standard,
        paymentHook: (any PaymentHook)? = nil
    ) {
        self.views = views
        self.tenants = tenants
        self.limiter = limiter ?? .byPlan(directory: views.directory)
        self.caps = caps
        self.paymentHook = paymentHook
    }

    /// Adds the routes under `/v1/tenant`; other methods on those paths get 405 (before
    /// authentication, as OFREP's do).
    public func register(on router: some RouterMethods<Context>) {
        router.group("v1/tenant")
            .refuseMethods(on: "", except: [.get, .head])
            .refuseMethods(on: "api-keys", except: [.post])
            .refuseMethods(on: "api-keys/:id", except: [.delete])
            .refuseMethods(on: "plan", except: [.post])
            .refuseMethods(on: "events", except: [.get, .head])
        router.group("v1/tenant")
            .add(middleware: APIKeyAuthenticationMiddleware(directory: views.directory))
            .add(middleware: RequiredScopeMiddleware(.manage))
            .add(middleware: ActiveTenantMiddleware())
            .add(middleware: TenantRateLimitMiddleware(limiter: limiter))
            .get(use: show)
            .post("api-keys", use: createAPIKey)
            .delete("api-keys/:id", use: revokeAPIKey)
            .post("plan", use: changePlan)
            .get("events", use: auditTrail)
    }

    /// `GET /v1/tenant`: as the live directory had the tenant when the request arrived.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        .json(TenantRepresentation.tenant(try context.requireTenant().state))
    }

    /// `POST /v1/tenant/api-keys`: 201 `{id, key, prefix, label, scope, createdAt}`; the key is
    /// in no other response, ever. Without `scope` the key is `evaluate`: the least a key can do,
    /// so a key made for an app or a browser cannot manage the tenant unless asked for.
    @Sendable func createAPIKey(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireTenant()
        var request = request
        // An empty body is a key without a label.
        let body = try await request.readBody(context: context)
        request.body = RequestBody(buffer: body)
        let input = body.readableBytes == 0 ? CreateAPIKeyRequest() : try await request.decodeJSON(as: CreateAPIKeyRequest.self, context: context)
        let scope = try input.validatedScope()
        let (state, key) = try await refusing {
            do {
                return try await tenants.issueAPIKey(caller.state.id, label: input.label, scope: scope, caps: caps, actor: Self.actor(caller))
            } catch TenantLifecycleError.invalidInput(let message) {
                throw ProblemDetails.invalidRequest(message, field: "label")
            }
        }
        serve(state)
        let id = key.id.uuidString.lowercased()
        return .json(
            TenantRepresentation.issuedAPIKey(key, in: state), status: .created,
            headers: [.location: "/v1/tenant/api-keys/\(id)", .cacheControl: "no-store"]
        )
    }

    /// `DELETE /v1/tenant/api-keys/{id}`: 204 once revoked.
    @Sendable func revokeAPIKey(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireTenant()
        let raw = context.parameters.get("id") ?? ""
        guard let keyID = UUID(uuidString: raw) else {
            throw ProblemDetails.invalidRequest("\"id\" must be an API key id (a UUID)", field: "id")
        }
        let state = try await refusing {
            try await tenants.revokeAPIKey(caller.state.id, keyID: keyID, caps: caps, actor: Self.actor(caller), reason: "revoked through the tenant API")
        }
        serve(state)
        return Response(status: .noContent)
    }

    /// `POST /v1/tenant/plan`: 200 with the tenant on its new plan.
    @Sendable func changePlan(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireTenant()
        let body = try await request.decodeJSON(as: PlanChangeRequest.self, context: context)
        guard let plan = Plan(rawValue: body.plan) else {
            let choices = Plan.selfServeTargets.map(\.rawValue).joined(separator: " or ")
            throw ProblemDetails.invalidRequest("unknown plan \"\(body.plan.prefix(40))\": use \(choices)", field: "plan")
        }
        guard plan != caller.state.plan else { throw ProblemDetails.planUnchanged(tenant: caller.state.slug, plan: plan) }
        if plan.isPaid, Plan.selfServeTargets.contains(plan) {
            try await authorizePayment(of: caller.state, to: plan, context: context)
        }
        let state = try await refusing {
            try await tenants.changePlan(
                caller.state.id, to: plan, actor: Self.actor(caller), reason: "self-serve plan change", selfServe: true, caps: caps)
        }
        serve(state)
        return .json(TenantRepresentation.tenant(state))
    }

    /// Asks the payment hook to let `tenant` move to the paid `plan`: 402 without a hook or on
    /// its refusal, 503 when it cannot answer.
    private func authorizePayment(of tenant: TenantState, to plan: Plan, context: Context) async throws {
        guard let paymentHook else {
            throw ProblemDetails.paymentRequired(tenant: tenant.slug, plan: plan, refusal: nil)
        }
        do {
            try await paymentHook.authorizePlanChange(of: tenant, to: plan)
        } catch let refusal as PaymentRequired {
            throw ProblemDetails.paymentRequired(tenant: tenant.slug, plan: plan, refusal: refusal)
        } catch {
            context.logger.error("payment hook failed", metadata: ["plan": "\(plan.rawValue)", "error": "\(error)"])
            throw ProblemDetails.paymentUnavailable()
        }
    }

    /// `GET /v1/tenant/events`: `{events: [...], next}`; `next` is the `after` of the following
    /// page, null when this page is the last.
    @Sendable func auditTrail(_ request: Request, context: Context) async throws -> Response {
        let caller = try context.requireTenant()
        let query = try AuditTrailQuery(request)
        // One more than asked, to know whether another page follows without a second query.
        let events = try await tenants.history(caller.state.id, after: query.after, limit: query.limit + 1)
        let page = events.prefix(query.limit)
        let next: JSONValue = events.count > query.limit ? page.last.map { JSONValue.integer($0.version) } ?? .null : .null
        return .json(.object([
            "events": .array(page.map(TenantRepresentation.auditEvent)),
            "next": next,
        ]))
    }

    /// Who the events a request records name: the key it used.
    static func actor(_ caller: AuthenticatedTenant) -> String {
        "api-key:\(caller.keyID.uuidString.lowercased())"
    }

    /// Runs a tenant command, turning its refusals into problem details.
    private func refusing<Value>(_ command: () async throws -> Value) async throws -> Value {
        do {
            return try await command()
        } catch {
            if let problem = ProblemDetails.refusal(error) { throw problem }
            throw error
        }
    }

    /// Has the live directory serve the tenant at least at `state`'s version (the state the
    /// command committed), so the caller's next request sees its own write without waiting
    /// for the feed, which a long transaction elsewhere in the cluster can hold back.
    private func serve(_ state: TenantState) {
        views.directory.amend { $0.adopt(state) }
    }
}
