@testable import FeatureFlags
import Foundation
import Testing

/// One comparison of attribute `a` (nil: absent from the context) with a condition value.
struct ComparisonCase: Sendable, CustomTestStringConvertible {
    let attribute: JSONValue?
    let comparison: ComparisonOperator
    let value: JSONValue
    let matches: Bool

    init(_ attribute: JSONValue?, _ comparison: ComparisonOperator, _ value: JSONValue, _ matches: Bool) {
        self.attribute = attribute
        self.comparison = comparison
        self.value = value
        self.matches = matches
    }

    var testDescription: String {
        "\(attribute?.compactJSON ?? "(missing)") \(comparison.rawValue) \(value.compactJSON) → \(matches)"
    }
}

@Suite("Comparison operators and conditions")
struct ComparisonOperatorTests {
    static let cases: [ComparisonCase] = [
        // Equality: numbers compare by value whatever their JSON kind; text never equals a number.
        ComparisonCase("pro", .equals, "pro", true),
        ComparisonCase("pro", .equals, "free", false),
        ComparisonCase(2, .equals, 2.0, true),
        ComparisonCase(2.5, .equals, 2, false),
        ComparisonCase("2", .equals, 2, false),
        ComparisonCase(true, .equals, true, true),
        ComparisonCase(true, .equals, "true", false),
        ComparisonCase(nil, .equals, "pro", false),
        ComparisonCase("pro", .notEquals, "free", true),
        ComparisonCase("pro", .notEquals, "pro", false),
        ComparisonCase(3, .notEquals, 3.0, false),
        ComparisonCase(nil, .notEquals, "pro", false),
        // Lists.
        ComparisonCase("b", .in, .array(["a", "b"]), true),
        ComparisonCase("c", .in, .array(["a", "b"]), false),
        ComparisonCase(2, .in, .array([1.0, 2.0]), true),
        ComparisonCase("2", .in, .array([1, 2]), false),
        ComparisonCase(nil, .in, .array(["a"]), false),
        ComparisonCase("c", .notIn, .array(["a", "b"]), true),
        ComparisonCase("a", .notIn, .array(["a", "b"]), false),
        ComparisonCase(1.0, .notIn, .array([1, 2]), false),
        ComparisonCase(nil, .notIn, .array(["a"]), false),
        // Text.
        ComparisonCase("alice@acme.com", .startsWith, "alice@", true),
        ComparisonCase("alice@acme.com", .startsWith, "bob@", false),
        ComparisonCase(123, .startsWith, "1", false),
        ComparisonCase(nil, .startsWith, "a", false),
        ComparisonCase("alice@acme.com", .endsWith, "@acme.com", true),
        ComparisonCase("alice@acme.com.evil", .endsWith, "@acme.com", false),
        ComparisonCase(nil, .endsWith, "a", false),
        ComparisonCase("alice@acme.com", .contains, "acme", true),
        ComparisonCase("alice@acme.com", .contains, "globex", false),
        ComparisonCase(.array(["beta", "internal"]), .contains, "beta", true),
        ComparisonCase(.array(["beta", "internal"]), .contains, "alpha", false),
        ComparisonCase(.array([1, 2]), .contains, 2.0, true),
        ComparisonCase("12345", .contains, 234, false),
        ComparisonCase(nil, .contains, "a", false),
        // Numbers: text is never less or greater than a number.
        ComparisonCase(3, .lessThan, 5, true),
        ComparisonCase(5, .lessThan, 5, false),
        ComparisonCase(4.5, .lessThan, 5, true),
        ComparisonCase(5, .lessThanOrEqual, 5.0, true),
        ComparisonCase(6, .lessThanOrEqual, 5, false),
        ComparisonCase(5.5, .greaterThan, 5, true),
        ComparisonCase(5, .greaterThan, 5, false),
        ComparisonCase("10", .greaterThan, 5, false),
        ComparisonCase(5, .greaterThanOrEqual, 5, true),
        ComparisonCase(4, .greaterThanOrEqual, 5, false),
        ComparisonCase(true, .greaterThanOrEqual, 0, false),
        ComparisonCase(nil, .lessThan, 5, false),
        // Semantic versions: a leading v is accepted, build metadata ignored, pre-releases sort
        // before their release, numeric identifiers numerically and before alphanumeric ones.
        ComparisonCase("1.2.3", .semverEquals, "v1.2.3", true),
        ComparisonCase("V1.2.3", .semverEquals, "1.2.3", true),
        ComparisonCase("1.2.3+build.7", .semverEquals, "1.2.3", true),
        ComparisonCase("1.2.3-rc.1", .semverEquals, "1.2.3", false),
        ComparisonCase("1.2.3-alpha", .semverLessThan, "1.2.3", true),
        ComparisonCase("1.2.3", .semverLessThan, "1.2.3-alpha", false),
        ComparisonCase("1.2.3-alpha", .semverLessThan, "1.2.3-alpha.1", true),
        ComparisonCase("1.2.3-alpha.1", .semverLessThan, "1.2.3-alpha.beta", true),
        ComparisonCase("1.2.3-2", .semverLessThan, "1.2.3-11", true),
        ComparisonCase("1.2.3-alpha.beta", .semverLessThan, "1.2.3-beta", true),
        ComparisonCase("1.9.0", .semverLessThan, "1.10.0", true),
        ComparisonCase("1.10.0", .semverGreaterThan, "1.9.0", true),
        ComparisonCase("2.0.0", .semverGreaterThan, "2.0.0", false),
        ComparisonCase("2.0.0", .semverGreaterThanOrEqual, "2.0.0", true),
        ComparisonCase("2.0.0-rc.1", .semverGreaterThanOrEqual, "2.0.0", false),
        ComparisonCase("2.0.0", .semverLessThanOrEqual, "2.0.0", true),
        ComparisonCase("2.0.1", .semverLessThanOrEqual, "2.0.0", false),
        ComparisonCase("not-a-version", .semverLessThan, "9.9.9", false),
        ComparisonCase("1.2", .semverLessThan, "9.9.9", false),
        ComparisonCase("2.0.0.0", .semverGreaterThan, "1.0.0", false),
        ComparisonCase(1, .semverLessThan, "9.9.9", false),
        ComparisonCase(nil, .semverEquals, "1.0.0", false),
    ]

    @Test("comparison", arguments: cases)
    func comparison(_ example: ComparisonCase) {
        let context = EvaluationContext(attributes: example.attribute.map { ["a": $0] } ?? ["other": "x"])
        let condition = Condition.compare(attribute: "a", operator: example.comparison, value: example.value)
        #expect(condition.problem() == nil)
        #expect(condition.matches(context) == example.matches)
    }

    @Test("every operator has at least one matching and one failing case above")
    func everyOperatorCovered() {
        for comparison in ComparisonOperator.allCases {
            let outcomes = Set(Self.cases.filter { $0.comparison == comparison }.map(\.matches))
            #expect(outcomes == [true, false], "\(comparison.rawValue)")
        }
    }

    @Test("dotted names read into object attributes; a flat attribute with the dotted name wins")
    func dottedPaths() {
        let user: JSONValue = .object(["country": "NZ", "address": .object(["city": "Wellington"]), "tags": .array(["beta"])])
        let context = EvaluationContext(attributes: ["user": user])
        #expect(Condition.compare(attribute: "user.country", operator: .equals, value: "NZ").matches(context))
        #expect(Condition.compare(attribute: "user.address.city", operator: .equals, value: "Wellington").matches(context))
        #expect(Condition.compare(attribute: "user.tags", operator: .contains, value: "beta").matches(context))
        #expect(!Condition.compare(attribute: "user.missing", operator: .notEquals, value: "x").matches(context))
        #expect(!Condition.compare(attribute: "user.country.code", operator: .equals, value: "NZ").matches(context))
        let shadowed = EvaluationContext(attributes: ["user": user, "user.country": "AU"])
        #expect(Condition.compare(attribute: "user.country", operator: .equals, value: "AU").matches(shadowed))
    }

    @Test("tenant attributes, the targeting key and custom tenant attributes are readable by name")
    func tenantAttributes() {
        let tenant = FlagFixtures.tenant(plan: "pro", custom: ["region": "eu"])
        let context = EvaluationContext(tenant: tenant)
        #expect(context.attribute("tenant.id") == .string(tenant.idString))
        #expect(context.attribute("tenant.plan") == "pro")
        #expect(context.attribute("tenant.region") == "eu")
        #expect(context.attribute("targetingKey") == .string(tenant.idString))
        #expect(context.attribute("tenant.createdAt") == .integer(Int64(FlagFixtures.createdAt.timeIntervalSince1970)))
        #expect(Condition.compare(attribute: "tenant.createdAt", operator: .lessThan, value: 1_800_000_000).matches(context))
        #expect(EvaluationContext(targetingKey: "user-1", tenant: tenant).attribute("targetingKey") == "user-1")
        #expect(EvaluationContext().attribute("tenant.plan") == nil)
    }

    @Test("all needs every condition, any needs one, and they nest")
    func allAndAny() {
        let isPro = Condition.compare(attribute: "plan", operator: .equals, value: "pro")
        let isNZ = Condition.compare(attribute: "country", operator: .equals, value: "NZ")
        let isStaff = Condition.compare(attribute: "email", operator: .endsWith, value: "@acme.com")
        // (pro and NZ) or staff, and never for suspended accounts.
        let condition = Condition.all([
            .any([.all([isPro, isNZ]), isStaff]),
            .compare(attribute: "state", operator: .notEquals, value: "suspended"),
        ])
        func matches(_ attributes: [String: JSONValue]) -> Bool {
            condition.matches(EvaluationContext(attributes: attributes))
        }
        #expect(matches(["plan": "pro", "country": "NZ", "state": "active"]))
        #expect(!matches(["plan": "pro", "country": "AU", "state": "active"]))
        #expect(matches(["plan": "free", "email": "x@acme.com", "state": "active"]))
        #expect(!matches(["plan": "pro", "country": "NZ", "state": "suspended"]))
        // The ne on a missing state never matches, so the whole condition fails.
        #expect(!matches(["plan": "pro", "country": "NZ"]))
    }

    @Test("conditions nest at most Condition.maximumDepth levels")
    func nestingLimit() {
        var condition = Condition.compare(attribute: "a", operator: .equals, value: 1)
        for _ in 1..<Condition.maximumDepth { condition = .all([condition]) }
        #expect(condition.problem() == nil)
        #expect(Condition.any([condition]).problem() == "conditions nest deeper than \(Condition.maximumDepth) levels")
    }
}
