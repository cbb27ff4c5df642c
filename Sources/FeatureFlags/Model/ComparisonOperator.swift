/// How a condition compares a context attribute with its value.
///
/// The raw values are what the CLI and the JSON form of a rule use.
public enum ComparisonOperator: String, Sendable, Hashable, Codable, CaseIterable {
    case equals = "eq"
    case notEquals = "ne"
    /// The attribute equals one of the values (an array).
    case `in` = "in"
    case notIn = "not-in"
    case startsWith = "starts-with"
    case endsWith = "ends-with"
    /// A string attribute contains the value, or an array attribute has it as an element.
    case contains = "contains"
    case lessThan = "lt"
    case lessThanOrEqual = "le"
    case greaterThan = "gt"
    case greaterThanOrEqual = "ge"
    case semverEquals = "semver-eq"
    case semverLessThan = "semver-lt"
    case semverLessThanOrEqual = "semver-le"
    case semverGreaterThan = "semver-gt"
    case semverGreaterThanOrEqual = "semver-ge"

    /// Why `value` cannot be compared with this operator, or nil when it can.
    func problem(with value: JSONValue) -> String? {
        switch self {
        case .equals, .notEquals:
            if case .array = value { return "\(rawValue) takes one value; use in or not-in for a list" }
            if case .object = value { return "\(rawValue) cannot compare objects" }
            return nil
        case .in, .notIn:
            guard case .array(let elements) = value, !elements.isEmpty else { return "\(rawValue) takes a non-empty list of values" }
            return nil
        case .startsWith, .endsWith:
            return value.stringValue == nil ? "\(rawValue) takes a string, not \(value.typeName)" : nil
        case .contains:
            switch value {
            case .string, .integer, .double, .bool: return nil
            default: return "contains takes a string, a number or a boolean, not \(value.typeName)"
            }
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            return value.numericValue == nil ? "\(rawValue) takes a number, not \(value.typeName)" : nil
        case .semverEquals, .semverLessThan, .semverLessThanOrEqual, .semverGreaterThan, .semverGreaterThanOrEqual:
            guard let text = value.stringValue, SemanticVersion(text) != nil else {
                return "\(rawValue) takes a semantic version such as 1.4.0"
            }
            return nil
        }
    }

    /// Whether `attribute` (present in the context) satisfies the comparison with `value`.
    /// Values of the wrong kind never match: a text attribute is not "less than" a number.
    func matches(_ attribute: JSONValue, _ value: JSONValue) -> Bool {
        switch self {
        case .equals:
            return Self.equal(attribute, value)
        case .notEquals:
            return !Self.equal(attribute, value)
        case .in:
            guard case .array(let values) = value else { return false }
            return values.contains { Self.equal(attribute, $0) }
        case .notIn:
            guard case .array(let values) = value else { return false }
            return !values.contains { Self.equal(attribute, $0) }
        case .startsWith:
            guard let text = attribute.stringValue, let prefix = value.stringValue else { return false }
            return text.hasPrefix(prefix)
        case .endsWith:
            guard let text = attribute.stringValue, let suffix = value.stringValue else { return false }
            return text.hasSuffix(suffix)
        case .contains:
            if case .array(let elements) = attribute { return elements.contains { Self.equal($0, value) } }
            guard let text = attribute.stringValue, let part = value.stringValue else { return false }
            return text.contains(part)
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            guard let left = attribute.numericValue, let right = value.numericValue else { return false }
            return orders(left, right)
        case .semverEquals, .semverLessThan, .semverLessThanOrEqual, .semverGreaterThan, .semverGreaterThanOrEqual:
            guard let leftText = attribute.stringValue, let rightText = value.stringValue,
                let left = SemanticVersion(leftText), let right = SemanticVersion(rightText)
            else { return false }
            return orders(left, right)
        }
    }

    /// One of the `semver-*` operators.
    var isSemanticVersion: Bool {
        switch self {
        case .semverEquals, .semverLessThan, .semverLessThanOrEqual, .semverGreaterThan, .semverGreaterThanOrEqual: true
        default: false
        }
    }

    /// Whether `left` stands to `right` as this ordering operator (`lt` … `ge`, `semver-*`) asks.
    func orders<Value: Comparable>(_ left: Value, _ right: Value) -> Bool {
        Self.order(left < right ? .less : left == right ? .equal : .greater).satisfies(self)
    }

    /// JSON equality where an integer equals the double of the same value.
    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let leftNumber = left.numericValue, let rightNumber = right.numericValue { return leftNumber == rightNumber }
        return left == right
    }

    private enum Order {
        case less, equal, greater
    }

    private struct OrderCheck {
        let order: Order
        func satisfies(_ comparison: ComparisonOperator) -> Bool {
            switch comparison {
            case .lessThan, .semverLessThan: order == .less
            case .lessThanOrEqual, .semverLessThanOrEqual: order != .greater
            case .greaterThan, .semverGreaterThan: order == .greater
            case .greaterThanOrEqual, .semverGreaterThanOrEqual: order != .less
            case .semverEquals: order == .equal
            default: false
            }
        }
    }

    private static func order(_ order: Order) -> OrderCheck { OrderCheck(order: order) }
}
