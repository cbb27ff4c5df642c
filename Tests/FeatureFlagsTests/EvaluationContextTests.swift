@testable import FeatureFlags
import Foundation
import Testing

/// The context's shared storage and the lookups compiled rules make in it (hashed names for a
/// few ASCII attributes, the dictionary otherwise, versions parsed once) answer as reading the
/// attributes by name does.
@Suite("Evaluation context lookups")
struct EvaluationContextTests {
    static let conditions: [Condition] = [
        .compare(attribute: "country", operator: .in, value: .array(["NZ", "IS"])),
        .compare(attribute: "email", operator: .endsWith, value: "@example.com"),
        .compare(attribute: "seats", operator: .greaterThan, value: 10),
        .compare(attribute: "appVersion", operator: .semverLessThan, value: "2.0.0"),
        .compare(attribute: "appVersion", operator: .semverEquals, value: "1.4.0"),
        .compare(attribute: "user.country", operator: .equals, value: "IS"),
        .compare(attribute: "user.country", operator: .in, value: .array(["NZ"])),
        .compare(attribute: "größe", operator: .equals, value: "L"),
        .compare(attribute: "gro\u{308}ße", operator: .equals, value: "L"),
        .compare(attribute: "missing", operator: .notEquals, value: "x"),
        .compare(attribute: "targetingKey", operator: .startsWith, value: "user-"),
        .compare(attribute: "tenant.plan", operator: .equals, value: "pro"),
        // Each kind of compiled comparison, and the general one for what fits none.
        .compare(attribute: "country", operator: .notEquals, value: "IS"),
        .compare(attribute: "country", operator: .notIn, value: .array(["NZ", "IS"])),
        .compare(attribute: "seats", operator: .in, value: .array([12, "12"])),
        .compare(attribute: "seats", operator: .equals, value: 12.0),
        .compare(attribute: "seats", operator: .lessThanOrEqual, value: 12),
        .compare(attribute: "seats", operator: .greaterThanOrEqual, value: 3.5),
        .compare(attribute: "beta", operator: .equals, value: true),
        .compare(attribute: "beta", operator: .notEquals, value: "true"),
        .compare(attribute: "email", operator: .startsWith, value: "ada"),
        .compare(attribute: "email", operator: .contains, value: "@"),
        .compare(attribute: "appVersion", operator: .semverGreaterThanOrEqual, value: "not a version"),
        .compare(attribute: "appVersion", operator: .semverGreaterThan, value: "v1.9.9-alpha"),
        .all([
            .compare(attribute: "country", operator: .in, value: .array(["NZ", "IS"])),
            .any([.compare(attribute: "beta", operator: .equals, value: true), .compare(attribute: "seats", operator: .lessThan, value: 5)]),
        ]),
    ]

    static let attributeSets: [[String: JSONValue]] = [
        [:],
        ["country": "IS", "email": "ada@example.com", "seats": 12, "appVersion": "1.4.0"],
        ["country": "DE", "appVersion": "v1.9.9-beta.1", "seats": 3.5, "beta": true],
        ["country": "IS", "seats": "12", "beta": "true", "email": "ada@example.org"],
        ["appVersion": "not a version", "email": 7],
        ["appVersion": "10.0.0", "user": .object(["country": "IS"]), "user.country": "NZ"],
        ["user": .object(["country": "IS"])],
        // Not ASCII: found by string equality (canonically equivalent spellings are equal).
        ["größe": "L", "country": "NZ"],
        // More attributes than are searched one by one: the dictionary.
        Dictionary<String, JSONValue>(uniqueKeysWithValues: (0..<20).map { ("extra\($0)", JSONValue.integer(Int64($0))) })
            .merging(["country": "NZ", "appVersion": "1.4.0", "user": .object(["country": "IS"])]) { $1 },
    ]

    @Test("a compiled condition answers as the condition read by name, whatever the context's size and names")
    func compiledLookupsMatchByName() {
        let tenant = FlagFixtures.tenant(plan: "pro")
        for attributes in Self.attributeSets {
            for targetingKey in [nil, "user-7"] {
                let context = EvaluationContext(targetingKey: targetingKey, tenant: tenant, attributes: attributes)
                for condition in Self.conditions {
                    #expect(CompiledCondition(condition).matches(context) == condition.matches(context), "\(condition) in \(attributes)")
                }
            }
        }
    }

    @Test("the by-name reading finds what the compiled lookups rely on")
    func knownAnswers() {
        let few = EvaluationContext(attributes: ["appVersion": "1.4.0", "größe": "L", "user": .object(["country": "IS"])])
        #expect(CompiledCondition(Self.conditions[3]).matches(few))
        #expect(CompiledCondition(Self.conditions[4]).matches(few))
        #expect(CompiledCondition(Self.conditions[5]).matches(few))
        #expect(CompiledCondition(Self.conditions[7]).matches(few))
        #expect(CompiledCondition(Self.conditions[8]).matches(few))
        let versionless = EvaluationContext(attributes: ["appVersion": "2.0.0"])
        #expect(!CompiledCondition(Self.conditions[3]).matches(versionless))
    }

    @Test("a changed copy leaves the original as it was; equality and hashing go by content")
    func copiesAreValues() {
        let original = EvaluationContext(targetingKey: "k", tenant: FlagFixtures.tenant(), attributes: ["country": "IS"])
        var changed = original
        changed.attributes["country"] = "DE"
        changed.targetingKey = nil
        #expect(original.attributes["country"] == "IS")
        #expect(original.targetingKey == "k")
        #expect(CompiledCondition(Self.conditions[0]).matches(original))
        #expect(!CompiledCondition(Self.conditions[0]).matches(changed))
        #expect(changed.effectiveTargetingKey == original.tenant?.idString)

        let rebuilt = EvaluationContext(targetingKey: "k", tenant: original.tenant, attributes: ["country": "IS"])
        #expect(rebuilt == original)
        #expect(rebuilt.hashValue == original.hashValue)
        #expect(changed != original)
    }
}
