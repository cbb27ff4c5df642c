/// A JsonLogic expression compiled once, when the flag is loaded: operator names looked up,
/// literals kept as values, so evaluation never parses or looks up a name again.
indirect enum LogicNode: Sendable, Hashable {
    /// A value that evaluates to itself (also an object of several keys, as JsonLogic reads it).
    case literal(JSONValue)
    /// A list whose elements are evaluated.
    case list([LogicNode])
    case operation(LogicOperator, [LogicNode])
    /// An operation JsonLogic does not know (a `$ref` to a missing evaluator, a typo): an error
    /// only when evaluation reaches it, so the other branches of the flag still work, as in
    /// flagd.
    case unsupported(String)

    /// How deep an expression may nest: far beyond real targeting, and a bound on the
    /// evaluator's recursion.
    static let maximumDepth = 64

    /// Compiles `expression`; throws only when it nests deeper than `maximumDepth`.
    init(compiling expression: JSONValue) throws(TargetingProblem) {
        self = try Self.compile(expression, depth: 0)
    }

    private static func compile(_ expression: JSONValue, depth: Int) throws(TargetingProblem) -> LogicNode {
        guard depth < maximumDepth else {
            throw TargetingProblem("the targeting nests deeper than \(maximumDepth) levels")
        }
        switch expression {
        case .array(let elements):
            if elements.allSatisfy(\.isScalar) { return .literal(expression) }
            var nodes: [LogicNode] = []
            nodes.reserveCapacity(elements.count)
            for element in elements { nodes.append(try compile(element, depth: depth + 1)) }
            return .list(nodes)
        case .object(let members):
            guard members.count == 1, let (name, arguments) = members.first else { return .literal(expression) }
            guard let operation = LogicOperator(rawValue: name) else { return .unsupported(name) }
            let written: [JSONValue] = if case .array(let list) = arguments { list } else { [arguments] }
            var nodes: [LogicNode] = []
            nodes.reserveCapacity(written.count)
            for argument in written { nodes.append(try compile(argument, depth: depth + 1)) }
            return .operation(operation, nodes)
        default:
            return .literal(expression)
        }
    }
}
