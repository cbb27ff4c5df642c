import FeatureFlags
import Foundation

extension Flag {
    /// The flag as the admin API shows it: the shape of `flag show --json` (overrides name the
    /// tenant's slug when `slugs` knows it), with scheduled changes spelled out.
    func adminJSON(slugs: [UUID: String]) -> JSONValue {
        .object([
            "key": .string(key.rawValue),
            "description": .string(description),
            "type": .string(type.rawValue),
            "variants": .object(variants.mapValues { type.coerce($0) ?? $0 }),
            "defaultVariant": defaultVariant.map(JSONValue.string) ?? .null,
            "enabled": .bool(isEnabled),
            "archived": .bool(isArchived),
            "prerequisites": .array(prerequisites.map { .object(["flag": .string($0.flag.rawValue), "variant": .string($0.variant)]) }),
            "overrides": .array(overrides.sorted { $0.key.uuidString < $1.key.uuidString }.map { tenant, variant in
                .object([
                    "tenantId": .string(tenant.uuidString.lowercased()),
                    "slug": slugs[tenant].map(JSONValue.string) ?? .null,
                    "variant": .string(variant),
                ])
            }),
            "rules": .array(rules.enumerated().map { index, rule in
                .object([
                    "position": .integer(Int64(index + 1)),
                    "name": .string(rule.name),
                    "condition": rule.condition.adminJSON,
                    "variant": .string(rule.variant),
                ])
            }),
            "rollout": rollout.map(\.adminJSON) ?? .null,
            "entitlements": .object(entitlements.mapValues(JSONValue.string)),
            "flagdTargeting": flagdTargetingJSON,
            "scheduledChanges": .array(scheduledChanges.map(\.adminJSON)),
            "metadata": .object(metadata),
            "createdAt": .string(createdAt.formatted(.iso8601)),
            "updatedAt": .string(updatedAt.formatted(.iso8601)),
            "version": .integer(version),
        ])
    }
}

extension Flag {
    /// `{"expression", "fractional"}` for a flag that evaluates as flagd, else null.
    var flagdTargetingJSON: JSONValue {
        guard let flagdTargeting else { return .null }
        return .object([
            "expression": flagdTargeting.expression ?? .null,
            "fractional": .string(flagdTargeting.fractional.rawValue),
        ])
    }
}

extension Condition {
    /// The condition's JSON form (`{"attribute", "operator", "value"}`, `{"all": …}`,
    /// `{"any": …}`), as rules take it.
    var adminJSON: JSONValue {
        switch self {
        case .compare(let attribute, let comparison, let value):
            .object(["attribute": .string(attribute), "operator": .string(comparison.rawValue), "value": value])
        case .all(let conditions):
            .object(["all": .array(conditions.map(\.adminJSON))])
        case .any(let conditions):
            .object(["any": .array(conditions.map(\.adminJSON))])
        }
    }
}

extension Rollout {
    /// `{"splits": [{"variant", "weight"}], "bucketBy"}`; a split without a variant is the
    /// share not rolled out.
    var adminJSON: JSONValue {
        .object([
            "splits": .array(splits.map { split in
                .object(["variant": split.variant.map(JSONValue.string) ?? .null, "weight": .integer(Int64(split.weight))])
            }),
            "bucketBy": bucketBy.map(JSONValue.string) ?? .null,
        ])
    }
}

extension ScheduledChange {
    /// `{"id", "at", "action": "enable"|"disable"|"rollout", "rollout"}` (`rollout` null:
    /// the rollout is removed at that time).
    var adminJSON: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id.uuidString.lowercased()), "at": .string(at.formatted(.iso8601))]
        switch action {
        case .enable: members["action"] = .string("enable")
        case .disable: members["action"] = .string("disable")
        case .rollout(let rollout):
            members["action"] = .string("rollout")
            members["rollout"] = rollout.map(\.adminJSON) ?? .null
        }
        return .object(members)
    }
}

extension EvaluationResult {
    /// What `POST /v1/admin/flags/{key}/evaluate` answers: value, variant and reason, or the
    /// error code and message of an evaluation that failed.
    var adminJSON: JSONValue {
        var members: [String: JSONValue] = [
            "key": .string(flagKey),
            "value": value ?? .null,
            "variant": variant.map(JSONValue.string) ?? .null,
            "reason": .string(reason.rawValue),
            "metadata": .object(metadata),
        ]
        if let errorCode {
            members["errorCode"] = .string(errorCode.rawValue)
            members["errorMessage"] = .string(errorMessage ?? errorCode.rawValue)
        }
        return .object(members)
    }
}
