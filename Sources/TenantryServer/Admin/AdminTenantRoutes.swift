import EventStore
import FeatureFlags
import Foundation
import Hummingbird
import Provisioning
import Tenancy
import Tenantry

/// The admin API's tenant operations, `/v1/admin/tenants…`: what `tenantry tenant …` does,
/// through the same `TenantAdministration`, signed `admin:<token>` in the events.
struct AdminTenantRoutes: Sendable {
    let administration: TenantAdministration
    /// Where offboarding writes its exports, on the server's disk.
    let exportDirectory: String

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("tenants", use: list)
        group.post("tenants", use: create)
        group.post("tenants/expire-trials", use: expireTrials)
        group.get("tenants/:slug", use: show)
        group.get("tenants/:slug/history", use: history)
        group.post("tenants/:slug/suspend", use: suspend)
        group.post("tenants/:slug/resume", use: resume)
        group.post("tenants/:slug/plan", use: changePlan)
        group.post("tenants/:slug/attributes", use: changeAttributes)
        group.post("tenants/:slug/offboard", use: offboard)
        group.post("tenants/:slug/forget", use: forget)
        group.post("tenants/:slug/retry", use: retry)
    }

    /// Other methods on these paths answer 405 before authentication.
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "tenants", except: [.get, .head, .post])
        group.refuseMethods(on: "tenants/expire-trials", except: [.post])
        group.refuseMethods(on: "tenants/:slug", except: [.get, .head])
        group.refuseMethods(on: "tenants/:slug/history", except: [.get, .head])
        for action in ["suspend", "resume", "plan", "attributes", "offboard", "forget", "retry"] {
            group.refuseMethods(on: RouterPath("tenants/:slug/\(action)"), except: [.post])
        }
    }

    /// `GET /v1/admin/tenants?state=&plan=&cell=`: the registry, newest first.
    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let state = AdminInput.query("state", of: request)
        if let state, TenantStatus(rawValue: state) == nil {
            throw ProblemDetails.invalidRequest(
                "\"state\" must be one of provisioning, active, suspended, offboarded, failed", field: "state"
            )
        }
        let plan = try AdminInput.query("plan", of: request).map { try AdminInput.plan($0, field: "plan").rawValue }
        let cell = AdminInput.query("cell", of: request)
        if let cell, let problem = CellName.problem(with: cell) {
            throw ProblemDetails.invalidRequest(problem, field: "cell")
        }
        let tenants = try await administration.list(state: state, plan: plan, cell: cell)
        return .json(.object(["tenants": .array(tenants.map(\.adminJSON))]))
    }

    /// `POST /v1/admin/tenants` `{organization, email, plan?, isolation?, clusterURL?, cell?,
    /// idempotencyKey?}` (as `tenant create`): registers and provisions a tenant; 201 with it and its first
    /// API key (shown this once). A retry with the same `idempotencyKey` answers 200 with the
    /// first tenant and no key. An unknown `cell` is 404, one that takes no tenants 409.
    @Sendable func create(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AdminTenantRequests.Create.self, context: context)
        let plan = try body.plan.map { try AdminInput.plan($0, field: "plan") } ?? .trial
        let isolation = try body.isolation.map { try AdminInput.isolation($0, field: "isolation") }
        let signup = SignupRequest(
            email: body.email, organization: body.organization, plan: plan, isolation: isolation,
            clusterURL: body.clusterURL, cell: body.cell, idempotencyKey: body.idempotencyKey
        )
        try Self.validate(signup)
        let outcome = try await administration.create(signup, actor: try context.requireAdmin().actor)
        let tenant = outcome.tenant
        if tenant.status == .failed {
            throw ProblemDetails.provisioningFailed(tenant: tenant.slug, reason: tenant.failureReason ?? "unknown")
        }
        let answer = JSONValue.object(["tenant": tenant.adminJSON, "apiKey": outcome.apiKey.map { .string($0.secret) } ?? .null])
        return .json(
            answer, status: outcome.apiKey == nil ? .ok : .created,
            headers: [.location: "/v1/admin/tenants/\(tenant.slug)"]
        )
    }

    /// Checks a signup field by field, so the 400 names the field at fault: each field is
    /// checked alongside valid stand-ins for the others, then the whole request.
    static func validate(_ signup: SignupRequest) throws {
        let stand = (email: "owner@example.com", organization: "Example")
        let checks: [(field: String, request: SignupRequest)] = [
            ("email", SignupRequest(email: signup.email, organization: stand.organization)),
            ("organization", SignupRequest(email: stand.email, organization: signup.organization)),
            ("idempotencyKey", SignupRequest(email: stand.email, organization: stand.organization, idempotencyKey: signup.idempotencyKey)),
            ("isolation", SignupRequest(email: stand.email, organization: stand.organization, plan: signup.plan, isolation: signup.isolation)),
            ("cell", SignupRequest(email: stand.email, organization: stand.organization, plan: signup.plan, isolation: signup.isolation, cell: signup.cell)),
            ("clusterURL", signup),
        ]
        for check in checks {
            do {
                try check.request.validate()
            } catch {
                throw ProblemDetails.invalidRequest(error.description, field: check.field)
            }
        }
    }

    /// `GET /v1/admin/tenants/{slug}` (a slug or an id).
    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        .json(try await administration.tenant(AdminInput.parameter("slug", of: context)).adminJSON)
    }

    /// `GET /v1/admin/tenants/{slug}/history?after=&limit=`: a page of the tenant's events,
    /// oldest first, secrets left out: `{events, next}` as `GET /v1/tenant/events` pages (`after`
    /// the last version seen, `limit` 1 to 500, default 100).
    @Sendable func history(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = try AuditTrailQuery(request)
        let tenant = try await administration.resolve(AdminInput.parameter("slug", of: context))
        let events = try await administration.lifecycle.history(tenant, after: query.after, limit: query.limit + 1)
        let page = Array(events.prefix(query.limit))
        return .eventPage(page, next: events.count > query.limit ? page.last?.version : nil)
    }

    /// `POST /v1/admin/tenants/{slug}/suspend` `{"reason"}`: active → suspended.
    @Sendable func suspend(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let reason = try await requiredReason(request, context)
        let state = try await administration.suspend(AdminInput.parameter("slug", of: context), reason: reason, actor: try context.requireAdmin().actor)
        return .json(state.adminJSON)
    }

    /// `POST /v1/admin/tenants/{slug}/resume` `{"reason"}`: suspended → active.
    @Sendable func resume(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let reason = try await requiredReason(request, context)
        let state = try await administration.resume(AdminInput.parameter("slug", of: context), reason: reason, actor: try context.requireAdmin().actor)
        return .json(state.adminJSON)
    }

    /// `POST /v1/admin/tenants/{slug}/plan` `{"plan", "reason"?}`.
    @Sendable func changePlan(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AdminTenantRequests.PlanChange.self, context: context)
        let plan = try AdminInput.plan(body.plan, field: "plan")
        let reason = try AdminInput.reason(body.reason)
        let state = try await administration.changePlan(
            AdminInput.parameter("slug", of: context), to: plan, reason: reason, actor: try context.requireAdmin().actor
        )
        return .json(state.adminJSON)
    }

    /// `POST /v1/admin/tenants/{slug}/attributes` `{"set": {…}, "remove": […], "reason"?}`.
    @Sendable func changeAttributes(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AdminTenantRequests.Attributes.self, context: context)
        let set = body.set ?? [:]
        let remove = body.remove ?? []
        for name in set.keys.sorted() {
            if let problem = TenantAttributeValue.problem(withName: name) { throw ProblemDetails.invalidRequest(problem, field: "set.\(name)") }
        }
        for (index, name) in remove.enumerated() {
            if let problem = TenantAttributeValue.problem(withName: name) { throw ProblemDetails.invalidRequest(problem, field: "remove[\(index)]") }
        }
        let state = try await administration.changeAttributes(
            AdminInput.parameter("slug", of: context), set: set, remove: remove,
            reason: try AdminInput.reason(body.reason), actor: try context.requireAdmin().actor
        )
        return .json(state.adminJSON)
    }

    /// `POST /v1/admin/tenants/{slug}/offboard` `{"reason"?}`: exports the tenant's events to
    /// a new file in the server's export directory, then offboards it; answers with the file's
    /// path and how many events it holds.
    @Sendable func offboard(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.optionalBody(request, as: AdminTenantRequests.Reason.self, context: context, empty: .init())
        let reason = try AdminInput.reason(body.reason) ?? "offboarded over the admin API"
        let actor = try context.requireAdmin().actor
        let tenant = try await administration.tenant(AdminInput.parameter("slug", of: context))
        // The export creates the directory if missing (0700: exports hold personal data).
        // A new name every time: offboarding refuses to overwrite an existing export.
        let stamp = Date().formatted(.iso8601).replacingOccurrences(of: ":", with: "")
        let path = URL(fileURLWithPath: exportDirectory).appendingPathComponent("\(tenant.slug)-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).jsonl").path
        let outcome = try await administration.offboard(tenant.id, exportTo: path, actor: actor, reason: reason, keepingPooledEvents: false)
        var answer: [String: JSONValue] = [
            "tenant": outcome.tenant.adminJSON, "exportFile": .string(path), "exportedEvents": .integer(Int64(outcome.exportedEvents)),
        ]
        switch outcome.pooledRows {
        case .purged(let purged):
            answer["purged"] = .object([
                "events": .integer(purged.events), "streams": .integer(purged.streams),
                "snapshots": .integer(purged.snapshots), "checksum": .string(purged.checksum),
            ])
        case .purgeDeferred(let reason):
            answer["purgeDeferred"] = .string(reason)
        case .kept:
            break
        }
        return .json(.object(answer))
    }

    /// `POST /v1/admin/tenants/{slug}/forget` `{"reason", "subject"?}` (as `tenant forget`):
    /// destroys the tenant's personal data keys, or one data subject's; answers with the tenant
    /// as it is now and how many keys and snapshots went.
    @Sendable func forget(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AdminTenantRequests.Forget.self, context: context)
        guard let reason = try AdminInput.reason(body.reason) else {
            throw ProblemDetails.invalidRequest("\"reason\" is required: forgetting cannot be undone", field: "reason")
        }
        if let subject = body.subject, !(1...200).contains(subject.unicodeScalars.count) || subject.utf8.contains(0) {
            throw ProblemDetails.invalidRequest("\"subject\" must be 1 to 200 characters without U+0000", field: "subject")
        }
        let outcome = try await administration.forget(
            AdminInput.parameter("slug", of: context), subject: body.subject, actor: try context.requireAdmin().actor, reason: reason)
        return .json(.object([
            "tenant": outcome.tenant.adminJSON, "scope": .string(body.subject == nil ? "tenant" : "subject"),
            "keys": .integer(outcome.keys), "snapshots": .integer(outcome.snapshots),
        ]))
    }

    /// `POST /v1/admin/tenants/{slug}/retry` `{"reason"?}` (as `tenant retry`): provisions a
    /// failed tenant again and waits for the outcome; 200 with the tenant and its new first API
    /// key (shown this once). Failing again is 422 `provisioning-failed`; a tenant that is not
    /// failed, 409 `invalid-transition`.
    @Sendable func retry(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await AdminInput.optionalBody(request, as: AdminTenantRequests.Reason.self, context: context, empty: .init())
        let reason = try AdminInput.reason(body.reason)
        let outcome = try await administration.retry(
            AdminInput.parameter("slug", of: context), reason: reason, actor: try context.requireAdmin().actor
        )
        let tenant = outcome.tenant
        if tenant.status == .failed {
            throw ProblemDetails.provisioningFailed(tenant: tenant.slug, reason: tenant.failureReason ?? "unknown")
        }
        return .json(.object(["tenant": tenant.adminJSON, "apiKey": outcome.apiKey.map { .string($0.secret) } ?? .null]))
    }

    /// `POST /v1/admin/tenants/expire-trials`: ends every due trial now.
    @Sendable func expireTrials(_ request: Request, context: AdminRequestContext) async throws -> Response {
        _ = try context.requireAdmin()
        let expired = try await administration.expireDueTrials()
        var tenants: [JSONValue] = []
        for id in expired {
            if let state = try await administration.lifecycle.load(id) { tenants.append(state.adminJSON) }
        }
        return .json(.object(["expired": .array(tenants)]))
    }

    private func requiredReason(_ request: Request, _ context: AdminRequestContext) async throws -> String {
        let body = try await AdminInput.optionalBody(request, as: AdminTenantRequests.Reason.self, context: context, empty: .init())
        guard let reason = try AdminInput.reason(body.reason, required: true) else {
            throw ProblemDetails.invalidRequest("\"reason\" is missing: say why", field: "reason")
        }
        return reason
    }
}
