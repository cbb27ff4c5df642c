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
            guard comparison.isSemanticVersion else {
                guard let actual = attribute.value(in: context) else { return false }
                return comparison.matches(actual, value)
            }
            guard let version, let left = attribute.version(in: context) else { return false }
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
