/// What a targeting rule asks of the evaluation context.
///
/// JSON form: `{"attribute": "tenant.plan", "operator": "in", "value": ["pro", "enterprise"]}`,
/// `{"all": [ … ]}` or `{"any": [ … ]}`.
public indirect enum Condition: Sendable, Hashable {
    /// One attribute compared with a value. A missing attribute matches nothing.
    case compare(attribute: String, operator: ComparisonOperator, value: JSONValue)
    /// Every sub-condition holds.
    case all([Condition])
    /// At least one sub-condition holds.
    case any([Condition])

    /// How deep conditions may nest: enough for real targeting, small enough that evaluation
    /// never recurses far.
    public static let maximumDepth = 8

    /// Whether the context satisfies the condition.
    public func matches(_ context: EvaluationContext) -> Bool {
        switch self {
        case .compare(let attribute, let comparison, let value):
            guard let actual = context.attribute(attribute) else { return false }
            return comparison.matches(actual, value)
        case .all(let conditions):
            return conditions.allSatisfy { $0.matches(context) }
        case .any(let conditions):
            return conditions.contains { $0.matches(context) }
        }
    }

    /// Why the condition can never be evaluated sensibly, or nil when it is well-formed.
    public func problem(depth: Int = 1) -> String? {
        guard depth <= Self.maximumDepth else { return "conditions nest deeper than \(Self.maximumDepth) levels" }
        switch self {
        case .compare(let attribute, let comparison, let value):
            if attribute.isEmpty { return "a condition names no attribute" }
            if let problem = comparison.problem(with: value) { return "condition on \(attribute): \(problem)" }
            return nil
        case .all(let conditions), .any(let conditions):
            if conditions.isEmpty { return "all/any needs at least one condition" }
            return conditions.lazy.compactMap { $0.problem(depth: depth + 1) }.first
        }
    }
}

extension Condition: Codable {
    private enum CodingKeys: String, CodingKey {
        case attribute, `operator`, value, all, any
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let conditions = try container.decodeIfPresent([Condition].self, forKey: .all) {
            self = .all(conditions)
        } else if let conditions = try container.decodeIfPresent([Condition].self, forKey: .any) {
            self = .any(conditions)
        } else {
            self = .compare(
                attribute: try container.decode(String.self, forKey: .attribute),
                operator: try container.decode(ComparisonOperator.self, forKey: .operator),
                value: try container.decode(JSONValue.self, forKey: .value)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .compare(let attribute, let comparison, let value):
            try container.encode(attribute, forKey: .attribute)
            try container.encode(comparison, forKey: .operator)
            try container.encode(value, forKey: .value)
        case .all(let conditions):
            try container.encode(conditions, forKey: .all)
        case .any(let conditions):
            try container.encode(conditions, forKey: .any)
        }
    }
}

extension Condition: CustomStringConvertible {
    /// The condition as the CLI writes it: `tenant.plan in ["pro","enterprise"]`.
    public var description: String {
        switch self {
        case .compare(let attribute, let comparison, let value):
            "\(attribute) \(comparison.rawValue) \(value.compactJSON)"
        case .all(let conditions):
            "all(" + conditions.map(\.description).joined(separator: ", ") + ")"
        case .any(let conditions):
            "any(" + conditions.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
