import Foundation

/// The targeting of a flag that evaluates exactly as flagd does (a flag imported from a flagd
/// document): flagd's JsonLogic, compiled once, and the `fractional` algorithm the flag keeps.
///
/// Such a flag answers as flagd: the expression's result names the variant (TARGETING_MATCH),
/// `null` means the default variant (DEFAULT), a name that is not a variant is GENERAL and an
/// expression that cannot be evaluated PARSE_ERROR; without an expression the default variant
/// is STATIC; with no default variant, or switched off, the caller's own default applies.
public struct FlagdTargeting: Sendable {
    /// The JsonLogic as written, `$ref`s to the document's evaluators put in place; nil when
    /// the flag has none (flagd's absent or `{}` targeting).
    public let expression: JSONValue?
    public let fractional: FractionalAlgorithm
    let compiled: LogicNode?

    /// Compiles `expression`; throws `invalidDefinition` only for an expression nested beyond
    /// any real use. Unknown operators are not refused: like flagd, the flag answers
    /// PARSE_ERROR when evaluation reaches one.
    public init(expression: JSONValue?, fractional: FractionalAlgorithm = .current) throws(FlagError) {
        self.expression = expression
        self.fractional = fractional
        do {
            compiled = try expression.map { (written) throws(TargetingProblem) in try LogicNode(compiling: written) }
        } catch {
            throw .invalidDefinition(error.reason)
        }
    }

    /// What the expression decides for `scope`.
    func decide(_ scope: TargetingScope) -> Decision {
        guard let compiled else { return .noTargeting }
        let result: JSONValue
        do {
            result = try LogicEvaluation(scope: scope, fractional: fractional).evaluate(compiled)
        } catch {
            return .failed(error.description)
        }
        switch result {
        case .null: return .noDecision
        case .string(let name): return .variant(name)
        case .bool(let flag): return .variant(String(flag))
        case .integer(let number): return .variant(String(number))
        case .double(let number):
            guard number.isFinite else { return .failed("the targeting computed \(number), which is not a JSON number") }
            return .variant(LogicValues.jsonNumberText(number))
        case .array, .object:
            // flagd reads the JSON text without its quotes as the name, which names no variant.
            return .variant(result.compactJSON.replacingOccurrences(of: "\"", with: ""))
        }
    }

    enum Decision: Equatable {
        /// The flag has no targeting: the default variant, STATIC.
        case noTargeting
        /// The expression gave `null`: the default variant, DEFAULT.
        case noDecision
        /// The expression named this variant (which may not exist).
        case variant(String)
        /// The expression could not be evaluated (PARSE_ERROR).
        case failed(String)
    }
}

extension FlagdTargeting: Hashable {
    public static func == (lhs: FlagdTargeting, rhs: FlagdTargeting) -> Bool {
        lhs.expression == rhs.expression && lhs.fractional == rhs.fractional
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expression)
        hasher.combine(fractional)
    }
}

extension FlagdTargeting: Codable {
    private enum CodingKeys: String, CodingKey {
        case expression, fractional
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Present and null is flagd's `"targeting": null` (DEFAULT), absent is no targeting.
        let expression = container.contains(.expression) ? try container.decode(JSONValue.self, forKey: .expression) : nil
        let fractional = try container.decode(FractionalAlgorithm.self, forKey: .fractional)
        do {
            try self.init(expression: expression, fractional: fractional)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .expression, in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let expression { try container.encode(expression, forKey: .expression) }
        try container.encode(fractional, forKey: .fractional)
    }
}
