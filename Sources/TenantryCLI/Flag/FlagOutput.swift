import FeatureFlags
import Foundation

/// How flags, evaluations and changes are printed, for people and for scripts.
enum FlagOutput {
    // MARK: JSON

    /// The whole flag; overrides name the tenant's slug too when `slugs` knows it.
    static func json(_ flag: Flag, slugs: [UUID: String] = [:]) -> [String: JSONValue] {
        [
            "key": .string(flag.key.rawValue),
            "description": .string(flag.description),
            "type": .string(flag.type.rawValue),
            "variants": .object(flag.variants),
            "defaultVariant": flag.defaultVariant.map(JSONValue.string) ?? .null,
            "enabled": .bool(flag.isEnabled),
            "archived": .bool(flag.isArchived),
            "prerequisites": .array(flag.prerequisites.map { .object(["flag": .string($0.flag.rawValue), "variant": .string($0.variant)]) }),
            "overrides": .array(sortedOverrides(flag, slugs: slugs).map { override in
                .object([
                    "tenantId": .string(override.tenant.uuidString.lowercased()),
                    "slug": override.slug.map(JSONValue.string) ?? .null,
                    "variant": .string(override.variant),
                ])
            }),
            "rules": .array(flag.rules.enumerated().map { rule($0.element, position: $0.offset + 1) }),
            "rollout": flag.rollout.map(rollout) ?? .null,
            "entitlements": .object(flag.entitlements.mapValues(JSONValue.string)),
            "flagdTargeting": flag.flagdTargeting.map { flagd in
                .object(["expression": flagd.expression ?? .null, "fractional": .string(flagd.fractional.rawValue)])
            } ?? .null,
            "scheduledChanges": .array(flag.scheduledChanges.map(scheduled)),
            "metadata": .object(flag.metadata),
            "createdAt": .string(timestamp(flag.createdAt)),
            "updatedAt": .string(timestamp(flag.updatedAt)),
            "version": .integer(Int64(flag.version)),
        ]
    }

    /// The default variant as the CLI names it; a flag without one leaves callers to their own.
    static func defaultName(_ variant: String?) -> String {
        variant ?? "none (the caller's own)"
    }

    static func rule(_ rule: TargetingRule, position: Int) -> JSONValue {
        .object([
            "position": .integer(Int64(position)),
            "name": .string(rule.name),
            "condition": encoded(rule.condition),
            "variant": .string(rule.variant),
        ])
    }

    static func rollout(_ rollout: Rollout) -> JSONValue {
        .object([
            "splits": .array(rollout.splits.map { split in
                .object(["variant": split.variant.map(JSONValue.string) ?? .null, "weight": .integer(Int64(split.weight))])
            }),
            "bucketBy": rollout.bucketBy.map(JSONValue.string) ?? .null,
        ])
    }

    static func scheduled(_ change: ScheduledChange) -> JSONValue {
        .object([
            "id": .string(change.id.uuidString.lowercased()),
            "at": .string(timestamp(change.at)),
            "action": .string(describe(change.action)),
        ])
    }

    static func evaluation(_ result: EvaluationResult) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "key": .string(result.flagKey),
            "value": result.value ?? .null,
            "variant": result.variant.map(JSONValue.string) ?? .null,
            "reason": .string(result.reason.rawValue),
            "metadata": .object(result.metadata),
        ]
        if let code = result.errorCode {
            fields["errorCode"] = .string(code.rawValue)
            fields["errorMessage"] = .string(result.errorMessage ?? code.rawValue)
        }
        return fields
    }

    /// A Codable model value (a condition) as its JSON.
    static func encoded(_ value: some Encodable) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value) else { return .null }
        return (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .null
    }

    // MARK: Text

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// `off=false, on=true` (the default first).
    static func variants(_ flag: Flag) -> String {
        flag.variantNames.map { "\($0)=\(flag.variants[$0]?.compactJSON ?? "null")" }.joined(separator: ", ")
    }

    /// `25% on`, `on 50%, off 50%`, `on 30%, 70% not rolled out`, with ` by email` when it
    /// buckets by an attribute.
    static func describe(_ rollout: Rollout) -> String {
        let total = rollout.totalWeight
        func percent(_ weight: Int) -> String {
            guard total > 0 else { return "0%" }
            let share = Double(weight) * 100 / Double(total)
            return share.rounded() == share ? "\(Int(share))%" : String(format: "%.2f%%", share)
        }
        let parts: [String]
        if rollout.splits.count == 2, let variant = rollout.splits[0].variant, rollout.splits[1].variant == nil {
            parts = ["\(percent(rollout.splits[0].weight)) \(variant)"]
        } else {
            parts = rollout.splits.map { split in
                split.variant.map { "\($0) \(percent(split.weight))" } ?? "\(percent(split.weight)) not rolled out"
            }
        }
        return parts.joined(separator: ", ") + (rollout.bucketBy.map { " by \($0)" } ?? "")
    }

    /// `enable`, `disable`, `rollout 50% on`, `remove the rollout`.
    static func describe(_ action: ScheduledChange.Action) -> String {
        switch action {
        case .enable: "enable"
        case .disable: "disable"
        case .rollout(let rollout?): "rollout \(describe(rollout))"
        case .rollout(nil): "remove the rollout"
        }
    }

    /// The share of tenants or users a rollout serves a variant to: `25%`, or `-` for none.
    static func rolloutPercent(_ flag: Flag) -> String {
        guard let rollout = flag.rollout, rollout.totalWeight > 0 else { return "-" }
        let served = rollout.splits.filter { $0.variant != nil }.reduce(0) { $0 + $1.weight }
        let share = Double(served) * 100 / Double(rollout.totalWeight)
        return share.rounded() == share ? "\(Int(share))%" : String(format: "%.1f%%", share)
    }

    /// A tenant by slug when it is known, else by id.
    static func tenant(_ id: UUID, slugs: [UUID: String]) -> String {
        slugs[id] ?? id.uuidString.lowercased()
    }

    static func sortedOverrides(_ flag: Flag, slugs: [UUID: String]) -> [(tenant: UUID, slug: String?, variant: String)] {
        flag.overrides.map { (tenant: $0.key, slug: slugs[$0.key], variant: $0.value) }
            .sorted { ($0.slug ?? $0.tenant.uuidString.lowercased()) < ($1.slug ?? $1.tenant.uuidString.lowercased()) }
    }

    /// Prints the outcome of a change: one line for people, the flag for scripts.
    static func printChange(_ flag: Flag, _ message: String, json: Bool, slugs: [UUID: String] = [:]) {
        if json {
            StandardOutput.line(JSONWriter.compact(.object(Self.json(flag, slugs: slugs))))
        } else {
            StandardOutput.line("\(flag.key): \(message)")
        }
    }
}
