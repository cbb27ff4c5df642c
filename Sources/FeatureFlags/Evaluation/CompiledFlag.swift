/// A flag as evaluation reads it: everything but the tenant overrides, with the rules'
/// attribute names resolved to where they are found, semantic versions parsed, the rollout's
/// bounds summed and the variants' values in the flag's type. Built when the flag changes,
/// never while evaluating (an override of one tenant more does not rebuild it); one reference,
/// so an evaluation copies no part of the flag.
final class CompiledFlag: Sendable {
    let key: String
    let type: FlagType
    let variants: [String: JSONValue]
    let defaultVariant: String?
    let isEnabled: Bool
    let prerequisites: [Prerequisite]
    let entitlements: [String: String]
    let metadata: [String: JSONValue]
    let flagdTargeting: FlagdTargeting?
    let rules: [(condition: CompiledCondition, variant: String)]
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
        entitlements = flag.entitlements
        metadata = flag.metadata
        flagdTargeting = flag.flagdTargeting
        rules = flag.rules.map { (CompiledCondition($0.condition), $0.variant) }
        rollout = flag.rollout.map { CompiledRollout($0, flagKey: flag.key.rawValue) }
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
        entitlements = [:]
        metadata = [:]
        flagdTargeting = nil
        rules = []
        rollout = nil
        isStaticWithoutOverrides = true
    }

    var evaluatesAsFlagd: Bool { flagdTargeting != nil }
}
