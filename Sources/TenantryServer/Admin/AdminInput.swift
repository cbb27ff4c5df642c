import EventStore
import FeatureFlags
import Foundation
import Hummingbird
import Provisioning
import Tenantry

/// Reading what an admin request names: path parameters, query parameters, optional bodies and
/// the fields every change shares. Each refusal is 400 invalid-request naming the field (or
/// 404 for a path that cannot name anything), so nothing unvalidated reaches a service.
enum AdminInput {
    /// The body decoded as `Body`; an empty body is `empty` (for routes whose body only adds a
    /// reason). A non-empty body is held to `decodeJSON`'s rules.
    static func optionalBody<Body: Decodable>(
        _ request: Request, as type: Body.Type, context: some RequestContext, empty: Body
    ) async throws -> Body {
        var request = request
        let buffer = try await request.readBody(context: context)
        guard buffer.readableBytes > 0 else { return empty }
        request.body = RequestBody(buffer: buffer)
        return try await request.decodeJSON(as: Body.self, context: context)
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ name: String, of context: some RequestContext) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The flag key in the path; a key no flag can have names no flag: 404.
    static func flagKey(_ context: some RequestContext) throws -> FlagKey {
        let raw = parameter("key", of: context)
        guard let key = try? FlagKey(raw) else { throw ProblemDetails.notFound("no flag \"\(raw)\"", resource: "flag") }
        return key
    }

    /// A reason for a change: nil when absent (unless `required`), else 1 to 500 characters.
    static func reason(_ reason: String?, required: Bool = false) throws -> String? {
        guard let reason else {
            if required { throw ProblemDetails.invalidRequest("\"reason\" is missing: say why", field: "reason") }
            return nil
        }
        if let problem = ChangeReason.problem(reason) { throw ProblemDetails.invalidRequest(problem, field: "reason") }
        return reason
    }

    /// A plan by name (`free`, `trial`, `pro`, `enterprise`).
    static func plan(_ name: String, field: String) throws -> Plan {
        guard let plan = Plan(rawValue: name) else {
            throw ProblemDetails.invalidRequest(
                "\"\(field)\" must be one of \(Plan.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(name.prefix(40))\"", field: field
            )
        }
        return plan
    }

    /// An isolation mode by name; anything else is a 400 naming `field`.
    static func isolation(_ name: String, field: String) throws -> PlanTerms.Isolation {
        guard let isolation = PlanTerms.Isolation(rawValue: name) else {
            throw ProblemDetails.invalidRequest("\"\(field)\" must be pooled or dedicated, not \"\(name.prefix(40))\"", field: field)
        }
        return isolation
    }

    /// A query parameter, if given.
    static func query(_ name: String, of request: Request) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init)
    }

    /// A `true`/`false` query parameter, `fallback` when absent.
    static func boolean(_ name: String, of request: Request, default fallback: Bool) throws -> Bool {
        guard let text = query(name, of: request) else { return fallback }
        switch text {
        case "true", "1", "": return true
        case "false", "0": return false
        default: throw ProblemDetails.invalidRequest("query parameter \"\(name)\" must be true or false", field: name)
        }
    }

    /// An integer query parameter within `range`, `fallback` when absent.
    static func integer(_ name: String, of request: Request, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let text = query(name, of: request) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ProblemDetails.invalidRequest(
                "query parameter \"\(name)\" must be an integer from \(range.lowerBound) to \(range.upperBound)", field: name
            )
        }
        return value
    }

    /// An ISO 8601 time (`2026-12-01T09:00:00Z`, fractional seconds allowed).
    static func time(_ text: String, field: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        throw ProblemDetails.invalidRequest("\"\(field)\" must be an ISO 8601 time such as 2026-12-01T09:00:00Z", field: field)
    }

    /// Who is making the request's changes, and why, for `FlagService`.
    static func change(_ context: AdminRequestContext, reason: String?) throws -> FlagService.Change {
        FlagService.Change(actor: try context.requireAdmin().actor, reason: try self.reason(reason))
    }
}
