/// flagd's shared evaluators: a document's `$evaluators` names JsonLogic expressions that any
/// targeting can use as `{"$ref": "<name>"}`. Import puts each expression in place of its
/// reference, as flagd does when it loads the document, and then reads the result like any
/// other targeting.
struct FlagdEvaluators {
    let expressions: [String: JSONValue]

    /// References may nest (an evaluator using another); this bounds a cycle of them.
    static let maximumDepth = 16

    init(_ value: JSONValue?) throws(FlagError) {
        switch value {
        case nil, .null?:
            expressions = [:]
        case .object(let expressions)?:
            self.expressions = expressions
        case let other?:
            throw .invalidDefinition("$evaluators must be an object of named expressions, not \(other.typeName)")
        }
    }

    /// `expression` with every `{"$ref": name}` replaced by the named evaluator.
    func resolve(_ expression: JSONValue) throws(TargetingProblem) -> JSONValue {
        try resolve(expression, through: [])
    }

    /// `expression` with every `{"$ref": name}` of a known evaluator replaced, as flagd does
    /// when it loads a document; a reference to a missing one stays, and is a PARSE_ERROR if
    /// evaluation reaches it. A reference that leads back to itself stays too.
    func substitute(_ expression: JSONValue) -> JSONValue {
        substitute(expression, through: [])
    }

    private func substitute(_ expression: JSONValue, through references: [String]) -> JSONValue {
        switch expression {
        case .object(let members):
            if members.count == 1, case .string(let name)? = members["$ref"], let shared = expressions[name],
                !references.contains(name), references.count < Self.maximumDepth
            {
                return substitute(shared, through: references + [name])
            }
            return .object(members.mapValues { substitute($0, through: references) })
        case .array(let elements):
            return .array(elements.map { substitute($0, through: references) })
        default:
            return expression
        }
    }

    private func resolve(_ expression: JSONValue, through references: [String]) throws(TargetingProblem) -> JSONValue {
        switch expression {
        case .object(let members):
            if members.count == 1, let reference = members["$ref"] {
                guard case .string(let name) = reference else {
                    throw TargetingProblem("$ref must name an evaluator, not \(reference.excerpt)")
                }
                guard let shared = expressions[name] else {
                    throw TargetingProblem("$ref \"\(name)\" names no evaluator in $evaluators")
                }
                guard !references.contains(name), references.count < Self.maximumDepth else {
                    throw TargetingProblem("$ref \"\(name)\" refers to itself through \((references + [name]).joined(separator: " → "))")
                }
                return try resolve(shared, through: references + [name])
            }
            var resolved: [String: JSONValue] = [:]
            for (key, member) in members { resolved[key] = try resolve(member, through: references) }
            return .object(resolved)
        case .array(let elements):
            var resolved: [JSONValue] = []
            for element in elements { resolved.append(try resolve(element, through: references)) }
            return .array(resolved)
        default:
            return expression
        }
    }
}
