public import Foundation

/// A flag that has done its job: untouched for a while and serving one variant to everyone,
/// so the code can keep that variant and the flag can go.
public struct StaleFlag: Sendable, Hashable {
    public let key: FlagKey
    /// The variant every tenant gets.
    public let variant: String
    public let value: JSONValue
    public let lastChanged: Date
    /// How many tenants were evaluated.
    public let tenantCount: Int
}

extension FlagEvaluator {
    /// The active flags not changed since `cutoff`, with no change scheduled, that evaluate to
    /// one and the same variant for every tenant in `tenants` (with the tenant's own context:
    /// no caller attributes). A flag whose evaluation fails for some tenant is not stale: it
    /// needs attention of another kind. So is a flag whose answer can depend on the caller
    /// (a rule on a caller attribute, a rollout that splits, a prerequisite that does): the
    /// tenants alone cannot show it serves one variant.
    public func staleFlags(untouchedSince cutoff: Date, tenants: [TenantAttributes]) -> [StaleFlag] {
        // With no tenant, "one variant for every tenant" says nothing.
        guard !tenants.isEmpty else { return [] }
        var decidedByTenant: [PrerequisiteVisit: Bool] = [:]
        return catalog.activeFlags.compactMap { flag in
            guard flag.updatedAt < cutoff, flag.scheduledChanges.isEmpty, dependsOnlyOnTenant(flag, known: &decidedByTenant) else { return nil }
            var served: EvaluationResult?
            for tenant in tenants {
                let result = evaluate(flag.key.rawValue, context: EvaluationContext(tenant: tenant))
                guard result.errorCode == nil else { return nil }
                if let first = served, first.variant != result.variant { return nil }
                if served == nil { served = result }
            }
            // A flag that leaves every caller to its own default has no variant for the code to keep.
            guard let variant = served?.variant ?? flag.defaultVariant else { return nil }
            let value = served?.value ?? flag.variants[variant] ?? .null
            return StaleFlag(key: flag.key, variant: variant, value: value, lastChanged: flag.updatedAt, tenantCount: tenants.count)
        }
    }

    /// Whether only the tenant's own attributes decide what `flag` serves: no rule reads a
    /// caller attribute (or the targeting key), any rollout gives every key the same share, and
    /// the same holds for its prerequisites.
    /// `known` remembers each flag's answer by depth (as the evaluator does), so a diamond of
    /// prerequisites is looked at once per flag and depth, not once per path. A flag deeper
    /// than the evaluator follows cannot serve one variant.
    func dependsOnlyOnTenant(_ flag: Flag, depth: Int = 0, known: inout [PrerequisiteVisit: Bool]) -> Bool {
        guard depth <= Self.maximumPrerequisiteDepth else { return false }
        let visit = PrerequisiteVisit(key: flag.key.rawValue, depth: depth)
        if let answer = known[visit] { return answer }
        // flagd JsonLogic may read anything; only a flagd flag without targeting is known not to.
        var answer = flag.flagdTargeting?.expression == nil && flag.rules.allSatisfy { Self.readsOnlyTenant($0.condition) }
        if answer, let rollout = flag.rollout {
            // One share with weight (a variant, or the fall-through at 0 %) ignores the key.
            answer = rollout.splits.filter { $0.weight > 0 }.count <= 1
        }
        for prerequisite in flag.prerequisites where answer {
            guard let required = catalog.flag(prerequisite.flag.rawValue) else {
                answer = false
                break
            }
            answer = dependsOnlyOnTenant(required, depth: depth + 1, known: &known)
        }
        known[visit] = answer
        return answer
    }

    private static func readsOnlyTenant(_ condition: Condition) -> Bool {
        switch condition {
        case .compare(let attribute, _, _): attribute.hasPrefix("tenant.")
        case .all(let conditions), .any(let conditions): conditions.allSatisfy(readsOnlyTenant)
        }
    }
}
