import EventStore
import FeatureFlags
import Foundation

/// One line per recorded flag event saying what changed, for `flag history`: it walks the
/// events in order, so a rule change can say which rule was added or removed.
struct FlagChangeSummary {
    let slugs: [UUID: String]
    private var rules: [TargetingRule] = []
    private var entitlements: [String: String] = [:]

    init(slugs: [UUID: String]) {
        self.slugs = slugs
    }

    /// What `recorded` (the next event of the flag's stream) changed.
    mutating func summarize(_ recorded: RecordedEvent) -> String {
        guard let event = try? FlagEvent(recorded) else { return "-" }
        switch event {
        case .defined(let defined):
            let variants = defined.variants.keys.sorted().map { "\($0)=\(defined.variants[$0]?.compactJSON ?? "null")" }
            return "defined \(defined.type.rawValue): \(variants.joined(separator: ", ")); default \(FlagOutput.defaultName(defined.defaultVariant))"
                + (defined.enabled ? "" : "; disabled")
        case .described(let described):
            let metadata = described.metadata.keys.sorted().map { "\($0)=\(described.metadata[$0]?.compactJSON ?? "null")" }
            return "description \"\(described.description)\"" + (metadata.isEmpty ? "" : "; metadata \(metadata.joined(separator: ", "))")
        case .variantsChanged(let change):
            let variants = change.variants.keys.sorted().map { "\($0)=\(change.variants[$0]?.compactJSON ?? "null")" }
            return "variants \(variants.joined(separator: ", ")); default \(FlagOutput.defaultName(change.defaultVariant))"
        case .enabled(let toggle):
            return "enabled" + (toggle.scheduledChangeId == nil ? "" : " (scheduled)")
        case .disabled(let toggle):
            return "disabled" + (toggle.scheduledChangeId == nil ? "" : " (scheduled)")
        case .prerequisitesChanged(let change):
            let required = change.prerequisites.map { "\($0.flag)=\($0.variant)" }.joined(separator: ", ")
            return required.isEmpty ? "prerequisites removed" : "requires \(required)"
        case .rulesChanged(let change):
            defer { rules = change.rules }
            return describeRules(from: rules, to: change.rules)
        case .rolloutChanged(let change):
            let scheduled = change.scheduledChangeId == nil ? "" : " (scheduled)"
            return (change.rollout.map { "rollout \(FlagOutput.describe($0))" } ?? "rollout removed") + scheduled
        case .overrideSet(let override):
            return "override: tenant \(FlagOutput.tenant(override.tenantId, slugs: slugs)) gets \(override.variant)"
        case .overrideCleared(let cleared):
            return "override of tenant \(FlagOutput.tenant(cleared.tenantId, slugs: slugs)) removed"
        case .entitlementsChanged(let change):
            defer { entitlements = change.entitlements }
            return describeEntitlements(from: entitlements, to: change.entitlements)
        case .flagdTargetingChanged(let change):
            guard let targeting = change.targeting else { return "flagd targeting removed" }
            let expression = targeting.expression.map { "flagd targeting \($0.compactJSON.prefix(120))" } ?? "flagd flag without targeting"
            return "\(expression) (fractional \(targeting.fractional.rawValue))"
        case .changeScheduled(let scheduled):
            return "scheduled \(FlagOutput.describe(scheduled.change.action)) at \(FlagOutput.timestamp(scheduled.change.at)) (id \(scheduled.change.id.uuidString.lowercased()))"
        case .scheduledChangeCancelled(let cancelled):
            return "cancelled scheduled change \(cancelled.id.uuidString.lowercased())"
        case .archived:
            return "archived"
        }
    }

    private func describeRules(from old: [TargetingRule], to new: [TargetingRule]) -> String {
        let oldNames = Set(old.map(\.name))
        let newNames = Set(new.map(\.name))
        let added = new.enumerated().filter { !oldNames.contains($0.element.name) }
        let removed = old.filter { !newNames.contains($0.name) }
        if added.count == 1, removed.isEmpty, let first = added.first {
            let rule = first.element
            return "rule \(rule.name) added at position \(first.offset + 1): \(rule.condition) → \(rule.variant)"
        }
        if removed.count == 1, added.isEmpty, let rule = removed.first {
            return "rule \(rule.name) removed"
        }
        let all = new.map { "\($0.name): \($0.condition) → \($0.variant)" }.joined(separator: "; ")
        return all.isEmpty ? "rules removed" : "rules \(all)"
    }

    private func describeEntitlements(from old: [String: String], to new: [String: String]) -> String {
        let changed = Set(old.keys).union(new.keys).sorted().filter { old[$0] != new[$0] }
        let parts = changed.map { plan in new[plan].map { "plan \(plan) gets \($0)" } ?? "plan \(plan) entitlement removed" }
        return parts.isEmpty ? "entitlements unchanged" : parts.joined(separator: ", ")
    }
}
