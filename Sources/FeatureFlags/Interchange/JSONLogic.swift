/// Tenantry conditions as JsonLogic (flagd's targeting language) and back.
///
/// Export is one fixed spelling per operator; import also accepts the spellings people write
/// by hand for flagd, and refuses, with a reason, whatever a `Condition` cannot say.
enum JSONLogic {
    static func variable(_ name: String) -> JSONValue {
        .object(["var": .string(name)])
    }

    static func operation(_ name: String, _ arguments: [JSONValue]) -> JSONValue {
        .object([name: .array(arguments)])
    }

    /// A JsonLogic operation's name and arguments; a single argument may be written without its
    /// list (`{"!": x}` is `{"!": [x]}`). Nil for anything that is not an operation.
    static func decompose(_ expression: JSONValue) -> (name: String, arguments: [JSONValue])? {
        guard case .object(let members) = expression, members.count == 1, let (name, arguments) = members.first else {
            return nil
        }
        if case .array(let list) = arguments { return (name, list) }
        return (name, [arguments])
    }

    // MARK: Export

    static func expression(for condition: Condition) -> JSONValue {
        switch condition {
        case .all(let conditions):
            return operation("and", conditions.map(expression(for:)))
        case .any(let conditions):
            return operation("or", conditions.map(expression(for:)))
        case .compare(let attribute, let comparison, let value):
            let attribute = variable(attribute)
            switch comparison {
            case .equals: return operation("==", [attribute, value])
            case .notEquals: return operation("!=", [attribute, value])
            case .in: return operation("in", [attribute, value])
            case .notIn: return operation("!", [operation("in", [attribute, value])])
            case .startsWith: return operation("starts_with", [attribute, value])
            case .endsWith: return operation("ends_with", [attribute, value])
            // JsonLogic's `in` with a string or a list as its second argument is a substring or
            // membership test: exactly `contains` with the operands swapped.
            case .contains: return operation("in", [value, attribute])
            case .lessThan: return operation("<", [attribute, value])
            case .lessThanOrEqual: return operation("<=", [attribute, value])
            case .greaterThan: return operation(">", [attribute, value])
            case .greaterThanOrEqual: return operation(">=", [attribute, value])
            case .semverEquals: return operation("sem_ver", [attribute, "=", value])
            case .semverLessThan: return operation("sem_ver", [attribute, "<", value])
            case .semverLessThanOrEqual: return operation("sem_ver", [attribute, "<=", value])
            case .semverGreaterThan: return operation("sem_ver", [attribute, ">", value])
            case .semverGreaterThanOrEqual: return operation("sem_ver", [attribute, ">=", value])
            }
        }
    }

    // MARK: Import

    static func condition(from expression: JSONValue) throws(TargetingProblem) -> Condition {
        guard let (name, arguments) = decompose(expression) else {
            throw TargetingProblem("expected a condition such as {\"==\": [{\"var\": \"plan\"}, \"pro\"]}, not \(expression.excerpt)")
        }
        switch name {
        case "and", "or":
            guard !arguments.isEmpty else { throw TargetingProblem("\"\(name)\" needs at least one condition") }
            var conditions: [Condition] = []
            for argument in arguments { conditions.append(try condition(from: argument)) }
            return name == "and" ? .all(conditions) : .any(conditions)
        case "==", "===", "!=", "!==":
            let (attribute, value) = try attributeAndValue(name, arguments)
            return .compare(attribute: attribute, operator: name.hasPrefix("=") ? .equals : .notEquals, value: value)
        case "in":
            return try membership(arguments)
        case "!":
            guard arguments.count == 1 else { throw TargetingProblem("\"!\" takes one condition") }
            switch try condition(from: arguments[0]) {
            case .compare(let attribute, .in, let value): return .compare(attribute: attribute, operator: .notIn, value: value)
            case .compare(let attribute, .equals, let value): return .compare(attribute: attribute, operator: .notEquals, value: value)
            default: throw TargetingProblem("\"!\" can only negate == or in with a list, not \(arguments[0].excerpt)")
            }
        case "starts_with", "ends_with":
            guard arguments.count == 2, let attribute = try attributeName(arguments[0]), case .string = arguments[1] else {
                throw TargetingProblem("\"\(name)\" takes an attribute and a string, not \(expression.excerpt)")
            }
            return .compare(attribute: attribute, operator: name == "starts_with" ? .startsWith : .endsWith, value: arguments[1])
        case "<", "<=", ">", ">=":
            return try numericComparison(name, arguments)
        case "sem_ver":
            return try semanticVersionComparison(arguments)
        case "fractional":
            throw TargetingProblem("fractional can only be the rollout, not part of a condition")
        case "var":
            throw TargetingProblem(
                "a bare var tests truthiness, which Tenantry cannot express; compare it instead, e.g. {\"==\": [\(expression.excerpt), true]}"
            )
        default:
            throw TargetingProblem("unknown operator \"\(name)\"")
        }
    }

    /// The attribute a `var` reads, or nil when `expression` is not a `var`.
    static func attributeName(_ expression: JSONValue) throws(TargetingProblem) -> String? {
        guard case .object(let members) = expression, members.count == 1, let path = members["var"] else { return nil }
        let name: String
        switch path {
        case .string(let text):
            name = text
        case .array(let list) where list.count == 1:
            guard case .string(let text) = list[0] else { throw TargetingProblem("var needs an attribute name, not \(expression.excerpt)") }
            name = text
        case .array(let list) where list.count > 1:
            throw TargetingProblem("var with a default value (\(expression.excerpt)) cannot be imported: Tenantry never matches a missing attribute")
        default:
            throw TargetingProblem("var needs an attribute name, not \(expression.excerpt)")
        }
        guard !name.isEmpty else { throw TargetingProblem("var \"\" reads the whole context, which cannot be compared") }
        guard !name.hasPrefix("$flagd.") else {
            throw TargetingProblem("\(name) is flagd's own property; Tenantry conditions cannot read it")
        }
        return name
    }

    /// A literal the condition compares with: anything but an operation or a list.
    private static func scalar(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .object, .array: nil
        default: value
        }
    }

    /// `attribute OP value` in either order (equality is symmetric).
    private static func attributeAndValue(_ name: String, _ arguments: [JSONValue]) throws(TargetingProblem) -> (String, JSONValue) {
        guard arguments.count == 2 else { throw TargetingProblem("\"\(name)\" takes two arguments") }
        if let attribute = try attributeName(arguments[0]), let value = scalar(arguments[1]) { return (attribute, value) }
        if let attribute = try attributeName(arguments[1]), let value = scalar(arguments[0]) { return (attribute, value) }
        throw TargetingProblem(
            "\"\(name)\" compares \(arguments[0].excerpt) with \(arguments[1].excerpt); Tenantry compares one attribute with a fixed value"
        )
    }

    private static func membership(_ arguments: [JSONValue]) throws(TargetingProblem) -> Condition {
        guard arguments.count == 2 else { throw TargetingProblem("\"in\" takes two arguments") }
        if let attribute = try attributeName(arguments[0]) {
            guard case .array(let values) = arguments[1], !values.isEmpty, values.allSatisfy({ scalar($0) != nil }) else {
                throw TargetingProblem(
                    "\"in\" with \(attribute) first needs a non-empty list of fixed values, not \(arguments[1].excerpt)"
                )
            }
            return .compare(attribute: attribute, operator: .in, value: arguments[1])
        }
        if let attribute = try attributeName(arguments[1]), let value = scalar(arguments[0]), value != .null {
            return .compare(attribute: attribute, operator: .contains, value: value)
        }
        throw TargetingProblem("\"in\" needs an attribute and a list, or a value and an attribute, not \(operation("in", arguments).excerpt)")
    }

    private static func numericComparison(_ name: String, _ arguments: [JSONValue]) throws(TargetingProblem) -> Condition {
        let (strict, mirrored): (ComparisonOperator, ComparisonOperator) =
            switch name {
            case "<": (.lessThan, .greaterThan)
            case "<=": (.lessThanOrEqual, .greaterThanOrEqual)
            case ">": (.greaterThan, .lessThan)
            default: (.greaterThanOrEqual, .lessThanOrEqual)
            }
        func number(_ value: JSONValue) -> JSONValue? { value.numericValue == nil ? nil : value }
        if arguments.count == 2 {
            if let attribute = try attributeName(arguments[0]), let value = number(arguments[1]) {
                return .compare(attribute: attribute, operator: strict, value: value)
            }
            if let attribute = try attributeName(arguments[1]), let value = number(arguments[0]) {
                return .compare(attribute: attribute, operator: mirrored, value: value)
            }
        }
        // JsonLogic's "between": {"<": [low, x, high]} is low < x < high.
        if arguments.count == 3, name == "<" || name == "<=", let low = number(arguments[0]),
            let attribute = try attributeName(arguments[1]), let high = number(arguments[2])
        {
            return .all([
                .compare(attribute: attribute, operator: mirrored, value: low),
                .compare(attribute: attribute, operator: strict, value: high),
            ])
        }
        throw TargetingProblem(
            "\"\(name)\" compares an attribute with a number, not \(operation(name, arguments).excerpt)"
        )
    }

    private static func semanticVersionComparison(_ arguments: [JSONValue]) throws(TargetingProblem) -> Condition {
        guard arguments.count == 3, let attribute = try attributeName(arguments[0]), case .string(let comparison) = arguments[1],
            case .string(let version) = arguments[2]
        else {
            throw TargetingProblem("sem_ver takes an attribute, an operator and a version, not \(operation("sem_ver", arguments).excerpt)")
        }
        func compare(_ comparison: ComparisonOperator, _ version: String) -> Condition {
            .compare(attribute: attribute, operator: comparison, value: .string(version))
        }
        switch comparison {
        case "=", "!=", "<", "<=", ">", ">=":
            let full = try fullVersion(version)
            switch comparison {
            case "=": return compare(.semverEquals, full)
            case "<": return compare(.semverLessThan, full)
            case "<=": return compare(.semverLessThanOrEqual, full)
            case ">": return compare(.semverGreaterThan, full)
            case ">=": return compare(.semverGreaterThanOrEqual, full)
            default: return .any([compare(.semverLessThan, full), compare(.semverGreaterThan, full)])
            }
        case "^", "~":
            // flagd's ^ matches the same major version and ~ the same major.minor. "X.0.0-0" is
            // the lowest version of major X (a numeric pre-release 0 sorts first), so the pair of
            // bounds covers exactly that major (or minor), pre-releases included.
            let parts = try numericParts(version)
            let major = parts[0]
            let minor = parts.count > 1 ? parts[1] : 0
            if comparison == "^" {
                guard major < UInt64.max else { throw TargetingProblem("sem_ver version \"\(version)\" is out of range") }
                return .all([compare(.semverGreaterThanOrEqual, "\(major).0.0-0"), compare(.semverLessThan, "\(major + 1).0.0-0")])
            }
            guard minor < UInt64.max else { throw TargetingProblem("sem_ver version \"\(version)\" is out of range") }
            return .all([
                compare(.semverGreaterThanOrEqual, "\(major).\(minor).0-0"), compare(.semverLessThan, "\(major).\(minor + 1).0-0"),
            ])
        default:
            throw TargetingProblem("unknown sem_ver operator \"\(comparison)\"")
        }
    }

    /// A version flagd accepts: `1.4.0` as written, or the shorthand `1` and `1.4` that Go's
    /// semver package reads as `1.0.0` and `1.4.0`.
    private static func fullVersion(_ text: String) throws(TargetingProblem) -> String {
        if SemanticVersion(text) != nil { return text }
        let parts = try numericParts(text)
        guard parts.count < 3, !text.contains("-"), !text.contains("+") else {
            throw TargetingProblem("sem_ver needs a version such as 1.4.0, not \"\(text)\"")
        }
        return (parts + Array(repeating: 0, count: 3 - parts.count)).map(String.init).joined(separator: ".")
    }

    /// The numeric major[.minor[.patch]] of a version, ignoring a leading `v`, pre-release and
    /// build metadata.
    private static func numericParts(_ text: String) throws(TargetingProblem) -> [UInt64] {
        var core = Substring(text)
        if core.first == "v" { core = core.dropFirst() }
        if let end = core.firstIndex(where: { $0 == "-" || $0 == "+" }) { core = core[..<end] }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        var numbers: [UInt64] = []
        for part in parts {
            guard part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), let number = UInt64(part) else {
                throw TargetingProblem("sem_ver needs a version such as 1.4.0, not \"\(text)\"")
            }
            numbers.append(number)
        }
        guard (1...3).contains(numbers.count) else { throw TargetingProblem("sem_ver needs a version such as 1.4.0, not \"\(text)\"") }
        return numbers
    }
}
