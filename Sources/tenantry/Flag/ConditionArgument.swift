import ArgumentParser
import FeatureFlags
import Foundation

/// `--when 'ATTRIBUTE OPERATOR VALUE'`, e.g. `tenant.plan eq pro`, `country in de,at,ch`,
/// `app.version semver-ge 2.1.0`.
///
/// The operator is one of `ComparisonOperator`'s names (`=`, `!=`, `<`, `<=`, `>`, `>=` also
/// work). The value is JSON when it is JSON, else text: `eq 42` compares with the number,
/// `eq '"42"'` with the string. For `in` and `not-in` the value is a JSON array or a
/// comma-separated list.
enum ConditionArgument {
    static let symbols: [String: ComparisonOperator] = [
        "=": .equals, "==": .equals, "!=": .notEquals,
        "<": .lessThan, "<=": .lessThanOrEqual, ">": .greaterThan, ">=": .greaterThanOrEqual,
    ]

    static func parse(_ text: String) throws -> Condition {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let attributeEnd = trimmed.firstIndex(where: \.isWhitespace) else { throw problem(text) }
        let attribute = String(trimmed[..<attributeEnd])
        let rest = trimmed[attributeEnd...].drop(while: \.isWhitespace)
        guard let operatorEnd = rest.firstIndex(where: \.isWhitespace) else { throw problem(text) }
        let name = String(rest[..<operatorEnd])
        let valueText = rest[operatorEnd...].trimmingCharacters(in: .whitespaces)
        guard !valueText.isEmpty else { throw problem(text) }
        guard let comparison = ComparisonOperator(rawValue: name) ?? symbols[name] else {
            throw ValidationError(
                "--when \"\(text)\": unknown operator \"\(name)\"; use one of "
                    + ComparisonOperator.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let condition = Condition.compare(attribute: attribute, operator: comparison, value: value(valueText, for: comparison))
        if let problem = condition.problem() { throw ValidationError("--when \"\(text)\": \(problem)") }
        return condition
    }

    private static func value(_ text: String, for comparison: ComparisonOperator) -> JSONValue {
        let parsed = JSONValue(commandLine: text)
        guard comparison == .in || comparison == .notIn else { return parsed }
        if case .array = parsed { return parsed }
        return .array(
            text.split(separator: ",").map { JSONValue(commandLine: $0.trimmingCharacters(in: .whitespaces)) }
        )
    }

    private static func problem(_ text: String) -> ValidationError {
        ValidationError("--when \"\(text)\" is not ATTRIBUTE OPERATOR VALUE, e.g. 'tenant.plan eq pro'")
    }
}
