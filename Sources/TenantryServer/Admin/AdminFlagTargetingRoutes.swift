import FeatureFlags
import Foundation
import Hummingbird
import Tenantry

/// The admin API's flag targeting, `/v1/admin/flags/{key}/…`: rollout, rules, per-tenant
/// overrides, plan entitlements, prerequisites and scheduled changes, through the same
/// `FlagService` and `FlagAdministration` as `tenantry flag …`. Each change answers with the
/// flag as it now is.
struct AdminFlagTargetingRoutes: Sendable {
    let definitions: AdminFlagRoutes

    var administration: FlagAdministration { definitions.administration }
    var flags: FlagService { definitions.flags }

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.put("flags/:key/rollout", use: setRollout)
        group.delete("flags/:key/rollout", use: removeRollout)
        group.post("flags/:key/rules", use: addRule)
        group.delete("flags/:key/rules/:name", use: removeRule)
        group.put("flags/:key/overrides/:tenant", use: setOverride)
        group.delete("flags/:key/overrides/:tenant", use: clearOverride)
        group.put("flags/:key/entitlements/:plan", use: setEntitlement)
        group.delete("flags/:key/entitlements/:plan", use: removeEntitlement)
        group.put("flags/:key/prerequisites", use: setPrerequisites)
        group.post("flags/:key/schedule", use: schedule)
        group.delete("flags/:key/schedule/:id", use: unschedule)
    }

    /// Other methods on these paths answer 405 before authentication.
    static func refuseOtherMethods(on group: some RouterMethods<TenantryRequestContext>) {
        group.refuseMethods(on: "flags/:key/rollout", except: [.put, .delete])
        group.refuseMethods(on: "flags/:key/rules", except: [.post])
        group.refuseMethods(on: "flags/:key/rules/:name", except: [.delete])
        group.refuseMethods(on: "flags/:key/overrides/:tenant", except: [.put, .delete])
        group.refuseMethods(on: "flags/:key/entitlements/:plan", except: [.put, .delete])
        group.refuseMethods(on: "flags/:key/prerequisites", except: [.put])
        group.refuseMethods(on: "flags/:key/schedule", except: [.post])
        group.refuseMethods(on: "flags/:key/schedule/:id", except: [.delete])
    }

    /// `PUT /v1/admin/flags/{key}/rollout`: `{"percent", "variant"?, "bucketBy"?}` (the
    /// variant defaults to the only one besides the default) or `{"splits", "bucketBy"?}`.
    @Sendable func setRollout(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Rollout.self, context: context)
        let change = try AdminInput.change(context, reason: body.reason)
        switch (body.percent, body.splits) {
        case (let percent?, nil):
            return definitions.flagResponse(
                try await administration.setRollout(key, percent: percent, variant: body.variant, bucketBy: body.bucketBy, by: change)
            )
        case (nil, let splits?):
            if body.variant != nil { throw ProblemDetails.invalidRequest("\"splits\" name their variants; leave out \"variant\"", field: "variant") }
            return definitions.flagResponse(
                try await administration.setRollout(key, splits: splits.map(\.percentSplit), bucketBy: body.bucketBy, by: change)
            )
        default:
            throw ProblemDetails.invalidRequest("give \"percent\" or \"splits\", not both or neither", field: "percent")
        }
    }

    /// `DELETE /v1/admin/flags/{key}/rollout` `{"reason"?}`.
    @Sendable func removeRollout(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let change = try await definitions.reasonChange(request, context)
        return definitions.flagResponse(try await flags.setRollout(key, nil, by: change))
    }

    /// `POST /v1/admin/flags/{key}/rules` `{"name"?, "variant", "condition", "position"?}`;
    /// 201 with the rule and the flag. The condition is its JSON form or the CLI's text.
    @Sendable func addRule(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Rule.self, context: context)
        let condition: Condition
        switch body.condition {
        case .json(let json):
            condition = json
        case .text(let text):
            do {
                condition = try ConditionText.parse(text)
            } catch {
                throw ProblemDetails.invalidRequest("\"condition\" \(error.description)", field: "condition")
            }
        }
        if let position = body.position, position < 1 {
            throw ProblemDetails.invalidRequest("\"position\" counts from 1", field: "position")
        }
        let change = try AdminInput.change(context, reason: body.reason)
        let (flag, rule) = try await administration.addRule(
            key, name: body.name, condition: condition, variant: body.variant, position: body.position, by: change
        )
        let position = (flag.rules.firstIndex { $0.name == rule.name } ?? 0) + 1
        return .json(
            .object([
                "rule": .object([
                    "position": .integer(Int64(position)), "name": .string(rule.name),
                    "condition": rule.condition.adminJSON, "variant": .string(rule.variant),
                ]),
                "flag": flag.adminJSON(slugs: definitions.slugs),
            ]),
            status: .created
        )
    }

    /// `DELETE /v1/admin/flags/{key}/rules/{name}` `{"reason"?}`.
    @Sendable func removeRule(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let change = try await definitions.reasonChange(request, context)
        return definitions.flagResponse(try await flags.removeRule(key, named: AdminInput.parameter("name", of: context), by: change))
    }

    /// `PUT /v1/admin/flags/{key}/overrides/{tenant}` `{"variant"}`: the tenant (slug or id)
    /// gets the variant whatever the rules say.
    @Sendable func setOverride(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Variant.self, context: context)
        let change = try AdminInput.change(context, reason: body.reason)
        let tenant = AdminInput.parameter("tenant", of: context)
        return definitions.flagResponse(try await administration.setOverride(key, tenant: tenant, variant: body.variant, by: change))
    }

    /// `DELETE /v1/admin/flags/{key}/overrides/{tenant}` `{"reason"?}`.
    @Sendable func clearOverride(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let change = try await definitions.reasonChange(request, context)
        let tenant = AdminInput.parameter("tenant", of: context)
        return definitions.flagResponse(try await administration.clearOverride(key, tenant: tenant, by: change))
    }

    /// `PUT /v1/admin/flags/{key}/entitlements/{plan}` `{"variant"}`.
    @Sendable func setEntitlement(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let plan = try AdminInput.plan(AdminInput.parameter("plan", of: context), field: "plan")
        let body = try await request.decodeJSON(as: AdminFlagRequests.Variant.self, context: context)
        let change = try AdminInput.change(context, reason: body.reason)
        return definitions.flagResponse(try await flags.setEntitlement(key, plan: plan.rawValue, variant: body.variant, by: change))
    }

    /// `DELETE /v1/admin/flags/{key}/entitlements/{plan}` `{"reason"?}`.
    @Sendable func removeEntitlement(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let plan = try AdminInput.plan(AdminInput.parameter("plan", of: context), field: "plan")
        let change = try await definitions.reasonChange(request, context)
        return definitions.flagResponse(try await flags.setEntitlement(key, plan: plan.rawValue, variant: nil, by: change))
    }

    /// `PUT /v1/admin/flags/{key}/prerequisites` `{"prerequisites": [{"flag", "variant"}]}`.
    @Sendable func setPrerequisites(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Prerequisites.self, context: context)
        let change = try AdminInput.change(context, reason: body.reason)
        return definitions.flagResponse(try await flags.setPrerequisites(key, body.prerequisites, by: change))
    }

    /// `POST /v1/admin/flags/{key}/schedule` `{"at", "action", …}`; 201 with the scheduled
    /// change (its id cancels it) and the flag.
    @Sendable func schedule(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let body = try await request.decodeJSON(as: AdminFlagRequests.Schedule.self, context: context)
        let time = try AdminInput.time(body.at, field: "at")
        let action = try Self.action(of: body)
        let change = try AdminInput.change(context, reason: body.reason)
        let (flag, scheduled) = try await administration.schedule(key, at: time, action, by: change)
        return .json(
            .object(["scheduledChange": scheduled.adminJSON, "flag": flag.adminJSON(slugs: definitions.slugs)]),
            status: .created
        )
    }

    /// The scheduled action a body names; what does not fit the action is refused.
    static func action(of body: AdminFlagRequests.Schedule) throws -> FlagAdministration.ScheduledAction {
        let rolloutFields = body.percent != nil || body.splits != nil || body.variant != nil || body.bucketBy != nil
        switch body.action {
        case "enable", "disable", "remove-rollout":
            if rolloutFields {
                throw ProblemDetails.invalidRequest("\(body.action) takes no percent, splits, variant or bucketBy", field: "action")
            }
            return body.action == "enable" ? .enable : body.action == "disable" ? .disable : .removeRollout
        case "rollout":
            switch (body.percent, body.splits) {
            case (let percent?, nil): return .rollout(percent: percent, variant: body.variant, bucketBy: body.bucketBy)
            case (nil, let splits?) where body.variant == nil: return .splitRollout(splits.map(\.percentSplit), bucketBy: body.bucketBy)
            default: throw ProblemDetails.invalidRequest("a scheduled rollout takes \"percent\" (and \"variant\") or \"splits\"", field: "percent")
            }
        default:
            throw ProblemDetails.invalidRequest("\"action\" must be enable, disable, rollout or remove-rollout", field: "action")
        }
    }

    /// `DELETE /v1/admin/flags/{key}/schedule/{id}` `{"reason"?}`.
    @Sendable func unschedule(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try AdminInput.flagKey(context)
        let text = AdminInput.parameter("id", of: context)
        guard let id = UUID(uuidString: text) else {
            throw ProblemDetails.invalidRequest("\"\(text.prefix(40))\" is not a scheduled change's id (a UUID)", field: "id")
        }
        let change = try await definitions.reasonChange(request, context)
        return definitions.flagResponse(try await flags.cancelScheduledChange(key, id: id, by: change))
    }
}
