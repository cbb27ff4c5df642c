/// A flag as evaluation reads it: everything but the tenant overrides, with the rules'
/// attribute names resolved to where they are found, semantic versions parsed, the rollout's
/// bounds summed and every variant a step may serve resolved to its value in the flag's type. Built when the flag changes,
/// never while evaluating (an override of one tenant more does not rebuild it); one reference,
/// so an evaluation copies no part of the flag.
final class CompiledFlag: Sendable {
    let key: String
    let type: FlagType
    let variants: [String: JSONValue]
    let defaultVariant: String?
    let isEnabled: Bool
    let prerequisites: [Prerequisite]
    /// The plans' variants, for a few plans (as flags have) searched one by one.
    let entitlements: [(plan: String, served: ServedVariant)]
    /// The plans' variants by plan, for a flag with more than a few.
    let entitlementsByPlan: [String: ServedVariant]?
    /// The default variant with its value.
    let defaultServed: ServedVariant?
    let metadata: [String: JSONValue]
    let flagdTargeting: FlagdTargeting?
    let rules: [(condition: CompiledCondition, served: ServedVariant)]
    let rollout: CompiledRollout?
    /// No prerequisite, rule, rollout, entitlement or flagd expression: with no override either,
    /// every context gets the default (STATIC).
    let isStaticWithoutOverrides: Bool

    init(_ flag: Flag) {
        key = flag.key.rawValue
        type = flag.type
        variants = flag.variants.mapValues { flag.type.coerce($0) ?? .null }
        defaultVariant = flag.defaultVariant
        isEnabled = flag.isEnabled
        prerequisites = flag.prerequisites
        let variants = self.variants
        let entitlements: [(plan: String, served: ServedVariant)] = flag.entitlements.sorted { $0.key < $1.key }.compactMap { plan, variant in
            ServedVariant(variant, of: variants).map { (plan, $0) }
        }
        self.entitlements = entitlements
        entitlementsByPlan = entitlements.count > Self.fewEntitlements
            ? Dictionary(uniqueKeysWithValues: entitlements.map { ($0.plan, $0.served) }) : nil
        defaultServed = ServedVariant(flag.defaultVariant, of: variants)
        metadata = flag.metadata
        flagdTargeting = flag.flagdTargeting
        rules = flag.rules.compactMap { rule in ServedVariant(rule.variant, of: variants).map { (CompiledCondition(rule.condition), $0) } }
        rollout = flag.rollout.map { CompiledRollout($0, flagKey: flag.key.rawValue, variants: variants) }
        isStaticWithoutOverrides = flag.prerequisites.isEmpty && flag.rules.isEmpty && flag.rollout == nil && flag.entitlements.isEmpty
            && flag.flagdTargeting?.expression == nil
    }

    /// What a `Flag` holds while its initializer sets its other fields.
    static let empty = CompiledFlag()

    private init() {
        key = ""
        type = .boolean
        variants = [:]
        defaultVariant = nil
        isEnabled = false
        prerequisites = []
        entitlements = []
        entitlementsByPlan = nil
        defaultServed = nil
        metadata = [:]
        flagdTargeting = nil
        rules = []
        rollout = nil
        isStaticWithoutOverrides = true
    }

    var evaluatesAsFlagd: Bool { flagdTargeting != nil }

    /// The most plans searched one by one.
    private static let fewEntitlements = 8

    /// The variant `plan` is entitled to.
    func entitlement(for plan: String) -> ServedVariant? {
        if let entitlementsByPlan { return entitlementsByPlan[plan] }
        for index in entitlements.indices where entitlements[index].plan == plan { return entitlements[index].served }
        return nil
    }

    /// The variant `name` with its value (for an override, which names a variant).
    func served(_ name: String) -> ServedVariant? {
        ServedVariant(name, of: variants)
    }
}
