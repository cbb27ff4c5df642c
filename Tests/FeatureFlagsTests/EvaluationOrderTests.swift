@testable import FeatureFlags
import Foundation
import Testing

/// The evaluator's order (kill switch → prerequisites → override → rules → rollout →
/// entitlement → default) and the reason each step reports.
@Suite("Evaluation order and reasons")
struct EvaluationOrderTests {
    let overridden = UUID()
    let everyone = Condition.compare(attribute: "tenant.state", operator: .equals, value: "active")

    /// A flag where every step would choose something different, so the winner shows which
    /// step ran.
    func layered(isEnabled: Bool = true, prerequisites: [Prerequisite] = []) throws -> Flag {
        try FlagFixtures.layout(
            isEnabled: isEnabled, prerequisites: prerequisites, overrides: [overridden: "beta"],
            rules: [TargetingRule(name: "active", condition: everyone, variant: "new")],
            rollout: .percentage(100, of: "pro"), entitlements: ["pro": "pro"]
        )
    }

    @Test("a flag without targeting serves its default for everyone, reason STATIC")
    func staticFlag() throws {
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.layout())
        for context in [EvaluationContext(), EvaluationContext(tenant: FlagFixtures.tenant(plan: "pro"))] {
            let result = evaluator.evaluate("layout", context: context)
            #expect(result.value == "old")
            #expect(result.variant == "old")
            #expect(result.reason == .static)
            #expect(result.errorCode == nil)
        }
    }

    @Test("the kill switch beats the override, the rules and the rollout: default, reason DISABLED")
    func killSwitch() throws {
        let evaluator = FlagFixtures.evaluator(try layered(isEnabled: false))
        for tenant in [FlagFixtures.tenant(id: overridden), FlagFixtures.tenant(plan: "pro")] {
            let result = evaluator.evaluate("layout", context: EvaluationContext(tenant: tenant))
            #expect(result.variant == "old")
            #expect(result.value == "old")
            #expect(result.reason == .disabled)
        }
    }

    @Test("the kill switch comes before prerequisites: a disabled flag with an unmet prerequisite is DISABLED")
    func killSwitchBeforePrerequisites() throws {
        let gate = try FlagFixtures.toggle("gate")
        let flag = try layered(isEnabled: false, prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on")])
        let result = FlagFixtures.evaluator(gate, flag).evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant()))
        #expect(result.variant == "old")
        #expect(result.reason == .disabled)
    }

    @Test("an unmet prerequisite serves the default, reason DEFAULT, even for an overridden tenant")
    func unmetPrerequisite() throws {
        let gate = try FlagFixtures.toggle("gate")
        let flag = try layered(prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on")])
        let result = FlagFixtures.evaluator(gate, flag).evaluate(
            "layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden))
        )
        #expect(result.variant == "old")
        #expect(result.reason == .default)
        #expect(result.errorCode == nil)
    }

    @Test("a met prerequisite lets evaluation continue to the override")
    func metPrerequisite() throws {
        let gate = try FlagFixtures.toggle("gate", rules: [TargetingRule(name: "all", condition: everyone, variant: "on")])
        let flag = try layered(prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on")])
        let evaluator = FlagFixtures.evaluator(gate, flag)
        let result = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden)))
        #expect(result.variant == "beta")
        #expect(result.reason == .targetingMatch)
        // A suspended tenant fails the prerequisite's rule and gets the default.
        let suspended = evaluator.evaluate(
            "layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden, state: "suspended"))
        )
        #expect(suspended.variant == "old")
        #expect(suspended.reason == .default)
    }

    @Test("a switched-off prerequisite is never met, even when the variant it serves is the one required")
    func disabledPrerequisiteIsNotMet() throws {
        // Off, the gate serves its default `off`; a dependant requiring `off` still fails.
        let gate = try FlagFixtures.toggle("gate", isEnabled: false)
        let flag = try layered(prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "off")])
        let result = FlagFixtures.evaluator(gate, flag).evaluate(
            "layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden))
        )
        #expect(result.variant == "old")
        #expect(result.reason == .default)
        let gateOn = try FlagFixtures.toggle("gate")
        #expect(FlagFixtures.evaluator(gateOn, flag).evaluate(
            "layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden))
        ).variant == "beta")
    }

    @Test("the override beats a matching rule")
    func overrideBeatsRules() throws {
        let evaluator = FlagFixtures.evaluator(try layered())
        let result = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(id: overridden, plan: "pro")))
        #expect(result.variant == "beta")
        #expect(result.value == "beta")
        #expect(result.reason == .targetingMatch)
    }

    @Test("rules are tried in order and the first match wins")
    func rulesInOrder() throws {
        let flag = try FlagFixtures.layout(rules: [
            FlagFixtures.rule("eu", "region", .equals, "eu", serve: "new"),
            FlagFixtures.rule("acme", "email", .endsWith, "@acme.com", serve: "beta"),
            FlagFixtures.rule("eu-again", "region", .equals, "eu", serve: "pro"),
        ])
        let evaluator = FlagFixtures.evaluator(flag)
        func variant(_ attributes: [String: JSONValue]) -> String? {
            evaluator.evaluate("layout", context: EvaluationContext(attributes: attributes)).variant
        }
        #expect(variant(["region": "eu", "email": "a@acme.com"]) == "new")
        #expect(variant(["region": "us", "email": "a@acme.com"]) == "beta")
        #expect(variant(["region": "eu"]) == "new")
        #expect(variant(["region": "us"]) == "old")
        #expect(evaluator.evaluate("layout", context: EvaluationContext(attributes: ["region": "us", "email": "a@acme.com"])).reason == .targetingMatch)
    }

    @Test("a rule beats the rollout; the rollout serves its variant with reason SPLIT")
    func rolloutAfterRules() throws {
        let evaluator = FlagFixtures.evaluator(try layered())
        let active = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "free")))
        #expect(active.variant == "new")
        #expect(active.reason == .targetingMatch)
        let suspended = evaluator.evaluate(
            "layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "free", state: "suspended"))
        )
        #expect(suspended.variant == "pro")
        #expect(suspended.reason == .split)
    }

    @Test("the rollout comes before the plan entitlement: a pro tenant inside the rollout gets the rollout's variant")
    func rolloutBeforeEntitlement() throws {
        let flag = try FlagFixtures.layout(rollout: .percentage(100, of: "new"), entitlements: ["pro": "pro"])
        let result = FlagFixtures.evaluator(flag).evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "pro")))
        #expect(result.variant == "new")
        #expect(result.reason == .split)
    }

    @Test("the share not rolled out falls through to the plan entitlement (TARGETING_MATCH), then the default (DEFAULT)")
    func fallThrough() throws {
        let flag = try FlagFixtures.layout(rollout: .percentage(0, of: "new"), entitlements: ["pro": "pro"])
        let evaluator = FlagFixtures.evaluator(flag)
        let pro = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "pro")))
        #expect(pro.variant == "pro")
        #expect(pro.reason == .targetingMatch)
        let free = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "free")))
        #expect(free.variant == "old")
        #expect(free.reason == .default)
    }

    @Test("a plan finds its entitlement among a few plans and among many alike", arguments: [3, 20])
    func entitlementsFewAndMany(plans: Int) throws {
        var entitlements = Dictionary(uniqueKeysWithValues: (0..<plans).map { ("plan-\($0)", $0 % 2 == 0 ? "new" : "beta") })
        entitlements["pro"] = "pro"
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.layout(entitlements: entitlements))
        for (plan, variant) in entitlements {
            let result = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: plan)))
            #expect(result.variant == variant)
            #expect(result.value == JSONValue.string(variant))
            #expect(result.reason == .targetingMatch)
        }
        let unlisted = evaluator.evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant(plan: "enterprise")))
        #expect(unlisted.variant == "old")
        #expect(unlisted.reason == .default)
    }

    @Test("a flag with targeting that matches nothing serves its default, reason DEFAULT")
    func nothingMatched() throws {
        let flag = try FlagFixtures.layout(rules: [FlagFixtures.rule("r1", "country", .equals, "NZ", serve: "new")])
        let result = FlagFixtures.evaluator(flag).evaluate("layout", context: EvaluationContext(attributes: ["country": "AU"]))
        #expect(result.variant == "old")
        #expect(result.value == "old")
        #expect(result.reason == .default)
    }

    @Test("a prerequisite alone makes a flag non-static: the default then has reason DEFAULT")
    func prerequisiteOnly() throws {
        let gate = try FlagFixtures.toggle("gate", rules: [TargetingRule(name: "all", condition: everyone, variant: "on")])
        let flag = try FlagFixtures.layout(prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on")])
        let result = FlagFixtures.evaluator(gate, flag).evaluate("layout", context: EvaluationContext(tenant: FlagFixtures.tenant()))
        #expect(result.variant == "old")
        #expect(result.reason == .default)
    }

    @Test("values are served as the flag's type: a double flag's integer-written variant is a double")
    func valuesHaveTheFlagsType() throws {
        let flag = Flag(
            key: try FlagKey("ratio"), type: .double, variants: ["one": .integer(1), "half": 0.5], defaultVariant: "one"
        )
        let result = FlagFixtures.evaluator(flag).evaluate("ratio", context: EvaluationContext())
        #expect(result.value == .double(1))
    }

    @Test("evaluateAll answers every active flag once, sorted by key, and leaves archived flags out")
    func evaluateAll() throws {
        var archived = try FlagFixtures.toggle("archived")
        archived.isArchived = true
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.toggle("zeta"), archived, try FlagFixtures.toggle("alpha"))
        let results = evaluator.evaluateAll(context: EvaluationContext())
        #expect(results.map(\.flagKey) == ["alpha", "zeta"])
    }
}
