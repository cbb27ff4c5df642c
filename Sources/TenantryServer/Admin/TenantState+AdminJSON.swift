import FeatureFlags
import Foundation
import Provisioning

extension TenantState {
    /// The tenant as the admin API shows it (the fields of `tenant show --json`, with its API
    /// keys' ids, prefixes and scopes, never their digests).
    var adminJSON: JSONValue {
        .object([
            "id": .string(id.uuidString.lowercased()),
            "slug": .string(slug),
            "name": .string(name),
            "email": .string(email),
            "state": .string(status.rawValue),
            "plan": .string(plan.rawValue),
            "isolation": .string(isolation.rawValue),
            "clusterURL": clusterURL.map(JSONValue.string) ?? .null,
            "cell": cell.map(JSONValue.string) ?? .null,
            "unpurgedCellCopy": unpurgedCellCopy.map(JSONValue.string) ?? .null,
            "trialEndsAt": trialEndsAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "failureReason": failureReason.map(JSONValue.string) ?? .null,
            "compensationsOwed": .array(compensationsOwed.map(\.rawValue).sorted().map(JSONValue.string)),
            "attributes": .object(attributes.mapValues { value in
                switch value {
                case .string(let text): .string(text)
                case .number(let number): number.rounded() == number && abs(number) < 9e15 ? .integer(Int64(number)) : .double(number)
                case .bool(let flag): .bool(flag)
                }
            }),
            "apiKeys": .array(apiKeys.values.sorted { $0.prefix < $1.prefix }.map { key in
                .object([
                    "id": .string(key.keyId.uuidString.lowercased()), "prefix": .string(key.prefix),
                    "scope": .string(key.effectiveScope.rawValue),
                ])
            }),
            "createdAt": .string(createdAt.formatted(.iso8601)),
            "updatedAt": .string(updatedAt.formatted(.iso8601)),
            "version": .integer(version),
        ])
    }
}

extension TenantSummary {
    /// One row of the registry as `GET /v1/admin/tenants` lists it.
    var adminJSON: JSONValue {
        .object([
            "id": .string(id.uuidString.lowercased()),
            "slug": .string(slug),
            "name": .string(name),
            "email": .string(email),
            "state": .string(state),
            "plan": .string(plan),
            "isolation": .string(isolation),
            "cell": cell.map(JSONValue.string) ?? .null,
            "trialEndsAt": trialEndsAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "createdAt": .string(createdAt.formatted(.iso8601)),
        ])
    }
}
