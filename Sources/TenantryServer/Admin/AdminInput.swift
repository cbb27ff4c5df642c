import EventStore
import FeatureFlags
import Foundation
import Hummingbird
import Provisioning
import Tenancy
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

    /// The body decoded as `Body`, held to `decodeJSON`'s rules and refusing members other than
    /// `members` (400 naming the first unknown one) and a missing one of `required` (for a
    /// member that may be null but must be given). An empty body is `empty` when there is one.
    static func strictBody<Body: Decodable>(
        _ request: Request, as type: Body.Type, context: some RequestContext,
        members: Set<String>, required: Set<String> = [], empty: Body? = nil
    ) async throws -> Body {
        var request = request
        let buffer = try await request.readBody(context: context)
        if buffer.readableBytes == 0, let empty { return empty }
        request.body = RequestBody(buffer: buffer)
        let body = try await request.decodeJSON(as: Body.self, context: context)
        // decodeJSON took it, so it is a JSON object.
        guard case .object(let given)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else { return body }
        if let unknown = given.keys.sorted().first(where: { !members.contains($0) }) {
            throw ProblemDetails.invalidRequest(
                "\"\(unknown.prefix(64))\" is not a member of this request; it takes \(members.sorted().joined(separator: ", "))", field: unknown)
        }
        if let missing = required.sorted().first(where: { given[$0] == nil }) {
            throw ProblemDetails.invalidRequest("\"\(missing)\" is missing", field: missing)
        }
        return body
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

    /// The cell name in the path; a name no cell can have names no cell: 404.
    static func cellName(_ context: some RequestContext) throws -> CellName {
        let raw = parameter("name", of: context)
        guard let name = try? CellName(raw) else { throw ProblemDetails.notFound("no cell named \(raw.prefix(64))", resource: "cell") }
        return name
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
