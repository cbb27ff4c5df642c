public import EventStore
public import FeatureFlags
public import Foundation
public import Provisioning

/// How the tenant API writes a tenant, its keys, its onboarding checklist and its events as
/// JSON. Timestamps are ISO 8601 in UTC with fractional seconds; absent values are `null`.
/// Nothing here ever writes a key's hash.
public enum TenantRepresentation {
    /// `GET /v1/tenant`'s body: `id, slug, name, email, plan, state, isolation, trialEndsAt,
    /// createdAt, activatedAt, limits {maximumEventsPerAppend, appendsPerSecond, burst},
    /// apiKeys [{id, prefix, label, scope, createdAt}] (oldest first), onboarding [{id, title, done, doneAt}]`.
    public static func tenant(_ state: TenantState) -> JSONValue {
        let limits = state.plan.terms.limits
        let keys = state.apiKeys.values.sorted { left, right in
            let (leftAt, rightAt) = (state.apiKeyIssuedAt[left.keyId] ?? .distantPast, state.apiKeyIssuedAt[right.keyId] ?? .distantPast)
            return leftAt != rightAt ? leftAt < rightAt : left.keyId.uuidString < right.keyId.uuidString
        }
        return .object([
            "id": .string(state.id.uuidString.lowercased()),
            "slug": .string(state.slug),
            "name": .string(state.name),
            "email": .string(state.email),
            "plan": .string(state.plan.rawValue),
            "state": .string(state.status.rawValue),
            "isolation": .string(state.isolation.rawValue),
            "trialEndsAt": timestamp(state.trialEndsAt),
            "createdAt": timestamp(state.createdAt),
            "activatedAt": timestamp(state.activatedAt),
            "limits": .object([
                "maximumEventsPerAppend": .integer(Int64(limits.maximumEventsPerAppend)),
                "appendsPerSecond": .double(limits.appendsPerSecond),
                "burst": .integer(Int64(limits.burst)),
            ]),
            "apiKeys": .array(keys.map { apiKey($0, issuedAt: state.apiKeyIssuedAt[$0.keyId]) }),
            "onboarding": onboarding(OnboardingChecklist(state: state)),
        ])
    }

    /// A live key as listed: `{id, prefix, label, scope, createdAt}` (a key issued before scopes
    /// shows the scope it has, `APIKeyScope.beforeScopes`).
    public static func apiKey(_ key: TenantEvent.APIKeyIssued, issuedAt: Date?) -> JSONValue {
        .object([
            "id": .string(key.keyId.uuidString.lowercased()),
            "prefix": .string(key.prefix),
            "label": key.label.map(JSONValue.string) ?? .null,
            "scope": .string(key.effectiveScope.rawValue),
            "createdAt": timestamp(issuedAt),
        ])
    }

    /// A key just issued: the listing's fields and `key`, the secret, shown this once.
    public static func issuedAPIKey(_ key: APIKey, in state: TenantState) -> JSONValue {
        guard let issued = state.apiKeys[key.id], case .object(var members) = apiKey(issued, issuedAt: state.apiKeyIssuedAt[key.id]) else {
            return .object(["id": .string(key.id.uuidString.lowercased()), "key": .string(key.secret)])
        }
        members["key"] = .string(key.secret)
        return .object(members)
    }

    /// The checklist as an array of `{id, title, done, doneAt}`, in order.
    public static func onboarding(_ checklist: OnboardingChecklist) -> JSONValue {
        .array(checklist.items.map { item in
            .object([
                "id": .string(item.id),
                "title": .string(item.title),
                "done": .bool(item.done),
                "doneAt": timestamp(item.doneAt),
            ])
        })
    }

    /// One event of the tenant's audit trail: `{version, type, recordedAt, actor, reason, data}`,
    /// the data without its secret fields (`TenantEvent.secretFields(ofType:)`) and its
    /// operator-only fields (`TenantEvent.operatorOnlyFields(ofType:)`), the actor as
    /// `AuditActor` shows it (`api-key:<id>`, `signup:web`, `system` or `operator`), and the
    /// reason null when an operator wrote it (an operator's note is theirs).
    public static func auditEvent(_ recorded: RecordedEvent) -> JSONValue {
        var data: [String: JSONValue] = [:]
        if case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(recorded.dataJSON.utf8)) {
            data = members
        }
        for field in TenantEvent.secretFields(ofType: recorded.type).union(TenantEvent.operatorOnlyFields(ofType: recorded.type)) {
            remove(field, from: &data)
        }
        let metadata = recorded.metadata
        let actor = AuditActor.shown(metadata.actor)
        let reason = actor == AuditActor.operatorShown ? nil : metadata.reason
        return .object([
            "version": .integer(recorded.version),
            "type": .string(recorded.type),
            "recordedAt": timestamp(recorded.recordedAt),
            "actor": actor.map(JSONValue.string) ?? .null,
            "reason": reason.map(JSONValue.string) ?? .null,
            "data": .object(data),
        ])
    }

    /// Removes `path` (`name`, or `object.name` one level down) from `data`.
    private static func remove(_ path: String, from data: inout [String: JSONValue]) {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            data[path] = nil
            return
        }
        if case .object(var inner)? = data[parts[0]] {
            inner[parts[1]] = nil
            data[parts[0]] = .object(inner)
        }
    }

    /// `2026-11-25T07:54:56.123Z`, or null.
    public static func timestamp(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)))
    }
}
