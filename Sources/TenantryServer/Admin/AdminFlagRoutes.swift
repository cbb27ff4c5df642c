import FeatureFlags
import Foundation
import Hummingbird
import Tenantry

/// The admin API's flag definitions and queries, `/v1/admin/flags…`: what `tenantry flag …`
/// does, through the same `FlagService` and `FlagAdministration`, signed `admin:<token>` in
/// the events. Targeting is in `AdminFlagTargetingRoutes`.
///
/// Reads go to the database, not the live catalog: an admin sees its own change at once.
struct AdminFlagRoutes: Sendable {
    let administration: FlagAdministration
    let views: LiveViews

    var flags: FlagService { administration.flags }

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("flags", use: list)
        group.post("flags", use: define)
        // Constant paths win over `flags/:key` in the router: a flag keyed `stale` or `export`
        // is still changed at its own paths, but read through the list.
        group.get("flags/stale", use: stale)
        group.get("flags/export", use: export)
        group.post("flags/import", use: importDocument)
        group.get("flags/:key", use: show)
        group.get("flags/:key/history", use: history)
        group.post("flags/:key/enable", use: enable)
        group.post("flags/:key/disable", use: disable)
        group.post("flags/:key/archive", use: archive)
        group.post("flags/:key/evaluate", use: evaluate)
    }

    /// Other methods on these paths answer 405 before authentication.
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "flags", except: [.get, .head, .post])
        group.refuseMethods(on: "flags/stale", except: [.get, .head])
        group.refuseMethods(on: "flags/export", except: [.get, .head])
        group.refuseMethods(on: "flags/import", except: [.post])
        group.refuseMethods(on: "flags/:key", except: [.get, .head])
        group.refuseMethods(on: "flags/:key/history", except: [.get, .head])
        for action in ["enable", "disable", "archive", "evaluate"] {
            group.refuseMethods(on: RouterPath("flags/:key/\(action)"), except: [.post])
        }
    }

    /// Tenants' slugs by id, from the live directory, to name overrides.
    var slugs: [UUID: String] { views.directory.state.tenants.mapValues(\.slug) }

    func flagResponse(_ flag: Flag, status: HTTPResponse.Status = .ok) -> Response {
        .json(flag.adminJSON(slugs: slugs), status: status)
    }

    /// `GET /v1/admin/flags?archived=true`: every flag by key (archived ones on request).
    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let archived = try AdminInput.boolean("archived", of: request, default: false)
        let catalog = try await flags.catalog()
        let shown = catalog.flags.values.filter { archived || !$0.isArchived }.sorted { $0.key < $1.key }
        let slugs = self.slugs
        return .json(.object(["flags": .array(shown.map { $0.adminJSON(slugs: slugs) })]))
    }

    /// `POST /v1/admin/flags`: defines a flag; 201 with it.
    @Sendable func define(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: AdminFlagRequests.Define.self, context: context)
        guard (try? FlagKey(body.key)) != nil else {
            throw ProblemDetails.invalidRequest(
                "\"key\" must be 1-\(FlagKey.maximumLength) letters, digits, '-', '_' or '.', starting with a letter or digit",
                field: "key"
            )
        }
        let type = try body.type.map { name in
            guard let type = FlagType(rawValue: name) else {
                throw ProblemDetails.invalidRequest(
                    "\"type\" must be one of \(FlagType.allCases.map(\.rawValue).joined(separator: ", "))", field: "type"
                )
            }
            return type
        } ?? .boolean
        let variants = (body.variants ?? [:]).sorted { $0.key < $1.key }.map { FlagDefinition.Variant($0.key, $0.value) }
        if variants.count > 1, body.defaultVariant == nil {
            throw ProblemDetails.invalidRequest("\"defaultVariant\" is missing: name it when there are several variants", field: "defaultVariant")
        }
        let definition = FlagDefinition(
            key: body.key, type: type, variants: variants, defaultVariant: body.defaultVariant,
            description: body.description ?? "", isEnabled: body.enabled ?? true, metadata: body.metadata ?? [:]
        )
        let defined = try await administration.define(definition, by: try AdminInput.change(context, reason: body.reason))
        var response = flagResponse(defined, status: .created)
        response.headers[.location] = "/v1/admin/flags/\(defined.key)"
        return response
    }

    /// `GET /v1/admin/flags/{key}`: the flag, archived or not.
    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        flagResponse(try await administration.flag(try AdminInput.flagKey(context)))
    }

    /// `GET /v1/admin/flags/{key}/history`: the flag's events, oldest first.
    @Sendable func history(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let events = try await flags.history(key)
        guard !events.isEmpty else { throw FlagError.notFound(key.rawValue) }
        return .events(events)
    }

    /// `POST /v1/admin/flags/{key}/enable` `{"reason"?}`.
    @Sendable func enable(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try await toggle(request, context, enabled: true)
    }

    /// `POST /v1/admin/flags/{key}/disable` `{"reason"?}`: the kill switch.
    @Sendable func disable(_ request: Request, context: AdminRequestContext) async throws -> Response {
        try await toggle(request, context, enabled: false)
    }

    private func toggle(_ request: Request, _ context: AdminRequestContext, enabled: Bool) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let change = try await reasonChange(request, context)
        return flagResponse(try await flags.setEnabled(key, enabled, by: change))
    }

    /// `POST /v1/admin/flags/{key}/archive` `{"reason"?}`.
    @Sendable func archive(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let change = try await reasonChange(request, context)
        return flagResponse(try await flags.archive(key, by: change))
    }

    /// `POST /v1/admin/flags/{key}/evaluate` `{"tenant", "context"?}`: what the tenant gets,
    /// and why. An unknown or archived flag is 404; another evaluation error is a 200 result
    /// with `errorCode` (the evaluation ran, and that is its answer).
    @Sendable func evaluate(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Evaluate.self, context: context)
        let result = try await administration.evaluate(key.rawValue, tenant: body.tenant, context: body.context ?? [:])
        if result.errorCode == .flagNotFound { throw FlagError.notFound(key.rawValue) }
        return .json(result.adminJSON)
    }

    /// `GET /v1/admin/flags/stale?days=30`: flags that have done their job.
    @Sendable func stale(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let days = try AdminInput.integer("days", of: request, in: FlagAdministration.staleDays, default: 30)
        let stale = try await administration.staleFlags(days: days)
        return .json(.object(["days": .integer(Int64(days)), "flags": .array(stale.map { flag in
            .object([
                "key": .string(flag.key.rawValue), "variant": .string(flag.variant), "value": flag.value,
                "lastChanged": .string(flag.lastChanged.formatted(.iso8601)), "tenants": .integer(Int64(flag.tenantCount)),
            ])
        })]))
    }

    /// `GET /v1/admin/flags/export`: every active flag as a flagd document, byte for byte what
    /// `flag export` writes.
    @Sendable func export(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let document = FlagdDocument.export(try await flags.catalog().activeFlags)
        return .json(bytes: Array(document))
    }

    /// `POST /v1/admin/flags/import?dryRun=true&reason=…` with a flagd document: all or
    /// nothing, as `flag import`; answers what was (or would be) done with each flag.
    @Sendable func importDocument(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let dryRun = try AdminInput.boolean("dryRun", of: request, default: false)
        let reason = try AdminInput.reason(AdminInput.query("reason", of: request)) ?? "imported over the admin API"
        let buffer = try await request.readBody(context: context)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw ProblemDetails.invalidRequest("the request body is empty; send a flagd flag-definition document") }
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = document else {
            throw ProblemDetails.invalidRequest("the request body must be a flagd flag-definition document (a JSON object)")
        }
        if let field = document.firstUnstorableText() { throw ProblemDetails.unstorableText(field: field) }
        let imported = try FlagdDocument.importFlags(data, now: Date())
        let change = FlagService.Change(actor: try context.requireAdmin().actor, reason: reason)
        let outcomes = try await flags.importFlags(imported, by: change, dryRun: dryRun)
        return .json(.object([
            "dryRun": .bool(dryRun),
            "flags": .array(outcomes.map { .object(["key": .string($0.key.rawValue), "action": .string($0.action.rawValue)]) }),
        ]))
    }

    /// The change a body of `{"reason"?}` (or none) describes.
    func reasonChange(_ request: Request, _ context: AdminRequestContext) async throws -> FlagService.Change {
        let body = try await AdminInput.optionalBody(request, as: AdminFlagRequests.Reason.self, context: context, empty: .init())
        return try AdminInput.change(context, reason: body.reason)
    }
}
