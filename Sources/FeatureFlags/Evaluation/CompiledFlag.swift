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
    let hasNoTargetingButOverrides: Bool

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
        hasNoTargetingButOverrides = flag.prerequisites.isEmpty && flag.rules.isEmpty && flag.rollout == nil && flag.entitlements.isEmpty
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
        hasNoTargetingButOverrides = true
    }

    var evaluatesAsFlagd: Bool { flagdTargeting != nil }
}

/// Where a rule's attribute is found in an `EvaluationContext`, decided once (as
/// `EvaluationContext.attribute` decides it for every call).
enum AttributeReference: Sendable {
    case targetingKey
    case tenant(Substring)
    /// A caller attribute, and for a dotted name the path into an object attribute, tried when
    /// no attribute has the whole name.
    case caller(String, path: [String])

    init(_ name: String) {
        if name == "targetingKey" {
            self = .targetingKey
        } else if name.hasPrefix("tenant.") {
            self = .tenant(name.dropFirst("tenant.".count))
        } else {
            self = .caller(name, path: name.contains(".") ? name.split(separator: ".", omittingEmptySubsequences: false).map(String.init) : [])
        }
    }

    func value(in context: EvaluationContext) -> JSONValue? {
        switch self {
        case .targetingKey:
            return context.effectiveTargetingKey.map(JSONValue.string)
        case .tenant(let name):
            return context.tenant?.attribute(name)
        case .caller(let name, let path):
            if let value = context.attributes[name] { return value }
            guard let first = path.first, var value = context.attributes[first] else { return nil }
            for part in path.dropFirst() {
                guard case .object(let object) = value, let next = object[part] else { return nil }
                value = next
            }
            return value
        }
    }
}

/// A `Condition` compiled: the same answers as `Condition.matches`.
indirect enum CompiledCondition: Sendable {
    /// `version` is the value parsed once, for the semantic-version operators.
    case compare(AttributeReference, ComparisonOperator, JSONValue, version: SemanticVersion?)
    case all([CompiledCondition])
    case any([CompiledCondition])

    init(_ condition: Condition) {
        switch condition {
        case .compare(let attribute, let comparison, let value):
            self = .compare(AttributeReference(attribute), comparison, value, version: comparison.isSemanticVersion ? value.stringValue.flatMap(SemanticVersion.init) : nil)
        case .all(let conditions):
            self = .all(conditions.map(CompiledCondition.init))
        case .any(let conditions):
            self = .any(conditions.map(CompiledCondition.init))
        }
    }

    func matches(_ context: EvaluationContext) -> Bool {
        switch self {
        case .compare(let attribute, let comparison, let value, let version):
            guard let actual = attribute.value(in: context) else { return false }
            guard comparison.isSemanticVersion else { return comparison.matches(actual, value) }
            guard let version, let text = actual.stringValue, let left = SemanticVersion(text) else { return false }
            return comparison.orders(left, version)
        case .all(let conditions):
            for condition in conditions where !condition.matches(context) { return false }
            return true
        case .any(let conditions):
            for condition in conditions where condition.matches(context) { return true }
            return false
        }
    }
}

/// A `Rollout` with its total and the upper bound of each split summed once.
struct CompiledRollout: Sendable {
    let bucketBy: String?
    let total: Int
    let splits: [(upperBound: Int, variant: String?)]
    let flagKey: String

    init(_ rollout: Rollout, flagKey: String) {
        bucketBy = rollout.bucketBy
        self.flagKey = flagKey
        // Validated rollouts are always in range; an unvalidated one serves nothing, never traps.
        let usable = (1...Rollout.maximumTotalWeight).contains(rollout.totalWeight) && rollout.splits.allSatisfy { $0.weight >= 0 }
        total = usable ? rollout.totalWeight : 0
        var upper = 0
        splits = usable ? rollout.splits.map { split in
            upper += split.weight
            return (upper, split.variant)
        } : []
    }

    /// The variant of the split `value` falls into; nil for the share not rolled out.
    func variant(for value: String) -> String? {
        guard total > 0 else { return nil }
        let bucket = FlagBucketing.bucket(flagKey: flagKey, value: value, totalWeight: total)
        for split in splits where bucket < split.upperBound { return split.variant }
        return nil
    }
}
