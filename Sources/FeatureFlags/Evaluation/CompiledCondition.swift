/// A `Condition` compiled: the same answers as `Condition.matches`, with the comparison chosen
/// once for the kind of value a rule compares with (text, number, version), so that an
/// evaluation neither dispatches on the operator nor walks JSON values to compare.
///
/// `indirect` although `all` and `any` recurse through arrays: each case's payload is boxed,
/// so reading a rule out of its flag copies one reference rather than the payload's fields.
indirect enum CompiledCondition: Sendable {
    /// `eq`, `ne`, `in`, `not-in` against strings: whether the attribute is a string among
    /// `texts`, negated for `ne` and `not-in` (a non-string attribute equals none of them).
    case oneOfTexts(AttributeReference, [String], negated: Bool)
    case startsWith(AttributeReference, String)
    case endsWith(AttributeReference, String)
    /// `lt`, `le`, `gt`, `ge` against a number.
    case orders(AttributeReference, ComparisonOperator, Double)
    /// A `semver-*` operator against a version parsed once.
    case versionOrders(AttributeReference, ComparisonOperator, SemanticVersion)
    /// Any other comparison (booleans, numbers compared for equality, mixed lists, an
    /// unvalidated value), made as `ComparisonOperator.matches` makes it.
    case compare(AttributeReference, ComparisonOperator, JSONValue)
    /// A comparison that can never hold (a `semver-*` value that is no version).
    case never
    case all([CompiledCondition])
    case any([CompiledCondition])

    init(_ condition: Condition) {
        switch condition {
        case .compare(let name, let comparison, let value):
            self = Self.compiled(AttributeReference(name), comparison, value)
        case .all(let conditions):
            self = .all(conditions.map(CompiledCondition.init))
        case .any(let conditions):
            self = .any(conditions.map(CompiledCondition.init))
        }
    }

    private static func compiled(_ attribute: AttributeReference, _ comparison: ComparisonOperator, _ value: JSONValue) -> CompiledCondition {
        switch (comparison, value) {
        case (.equals, .string(let text)), (.notEquals, .string(let text)):
            return .oneOfTexts(attribute, [text], negated: comparison == .notEquals)
        case (.in, .array(let elements)), (.notIn, .array(let elements)):
            let texts = elements.compactMap(\.stringValue)
            guard texts.count == elements.count else { return .compare(attribute, comparison, value) }
            return .oneOfTexts(attribute, texts, negated: comparison == .notIn)
        case (.startsWith, .string(let prefix)):
            return .startsWith(attribute, prefix)
        case (.endsWith, .string(let suffix)):
            return .endsWith(attribute, suffix)
        case (.lessThan, _), (.lessThanOrEqual, _), (.greaterThan, _), (.greaterThanOrEqual, _):
            guard let number = value.numericValue else { return .compare(attribute, comparison, value) }
            return .orders(attribute, comparison, number)
        case _ where comparison.isSemanticVersion:
            guard let version = value.stringValue.flatMap(SemanticVersion.init) else { return .never }
            return .versionOrders(attribute, comparison, version)
        default:
            return .compare(attribute, comparison, value)
        }
    }

    func matches(_ context: EvaluationContext) -> Bool {
        switch self {
        case .oneOfTexts(let attribute, let texts, let negated):
            guard let actual = attribute.value(in: context) else { return false }
            guard case .string(let text) = actual else { return negated }
            return texts.contains(text) != negated
        case .startsWith(let attribute, let prefix):
            guard case .string(let text)? = attribute.value(in: context) else { return false }
            return text.hasPrefix(prefix)
        case .endsWith(let attribute, let suffix):
            guard case .string(let text)? = attribute.value(in: context) else { return false }
            return text.hasSuffix(suffix)
        case .orders(let attribute, let comparison, let number):
            guard let actual = attribute.value(in: context)?.numericValue else { return false }
            return comparison.orders(actual, number)
        case .versionOrders(let attribute, let comparison, let version):
            guard let actual = attribute.version(in: context) else { return false }
            return comparison.orders(actual, version)
        case .compare(let attribute, let comparison, let value):
            guard let actual = attribute.value(in: context) else { return false }
            return comparison.matches(actual, value)
        case .never:
            return false
        case .all(let conditions):
            for index in conditions.indices where !conditions[index].matches(context) { return false }
            return true
        case .any(let conditions):
            for index in conditions.indices where conditions[index].matches(context) { return true }
            return false
        }
    }
}
