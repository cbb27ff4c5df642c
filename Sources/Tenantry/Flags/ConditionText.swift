public import FeatureFlags
import Foundation

/// A condition written as text, `ATTRIBUTE OPERATOR VALUE`: `tenant.plan eq pro`,
/// `country in de,at,ch`, `app.version semver-ge 2.1.0`. The CLI's `--when` and the admin
/// API's `"condition": "…"` both read it here.
///
/// The operator is one of `ComparisonOperator`'s names (`=`, `!=`, `<`, `<=`, `>`, `>=` also
/// work). The value is JSON when it is JSON, else text: `eq 42` compares with the number,
/// `eq '"42"'` with the string. For `in` and `not-in` the value is a JSON array or a
/// comma-separated list.
public enum ConditionText {
    static let symbols: [String: ComparisonOperator] = [
        "=": .equals, "==": .equals, "!=": .notEquals,
        "<": .lessThan, "<=": .lessThanOrEqual, ">": .greaterThan, ">=": .greaterThanOrEqual,
    ]

    /// The condition `text` states; throws `invalidDefinition` quoting the text and saying
    /// what is wrong with it.
    public static func parse(_ text: String) throws(FlagError) -> Condition {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let attributeEnd = trimmed.firstIndex(where: \.isWhitespace) else { throw malformed(text) }
        let attribute = String(trimmed[..<attributeEnd])
        let rest = trimmed[attributeEnd...].drop(while: \.isWhitespace)
        guard let operatorEnd = rest.firstIndex(where: \.isWhitespace) else { throw malformed(text) }
        let name = String(rest[..<operatorEnd])
        let valueText = rest[operatorEnd...].trimmingCharacters(in: .whitespaces)
        guard !valueText.isEmpty else { throw malformed(text) }
        guard let comparison = ComparisonOperator(rawValue: name) ?? symbols[name] else {
            throw .invalidDefinition(
                "\"\(text)\": unknown operator \"\(name)\"; use one of " + ComparisonOperator.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let condition = Condition.compare(attribute: attribute, operator: comparison, value: value(valueText, for: comparison))
        if let problem = condition.problem() { throw .invalidDefinition("\"\(text)\": \(problem)") }
        return condition
    }

    private static func value(_ text: String, for comparison: ComparisonOperator) -> JSONValue {
        let parsed = JSONValue(commandLine: text)
        guard comparison == .in || comparison == .notIn else { return parsed }
        if case .array = parsed { return parsed }
        return .array(text.split(separator: ",").map { JSONValue(commandLine: $0.trimmingCharacters(in: .whitespaces)) })
    }

    private static func malformed(_ text: String) -> FlagError {
        .invalidDefinition("\"\(text)\" is not ATTRIBUTE OPERATOR VALUE, e.g. 'tenant.plan eq pro'")
    }
}
