@testable import FeatureFlags
import Foundation
import Testing

/// Every OpenFeature error code the evaluator (and the context it is given) can produce in
/// process. PARSE_ERROR belongs to the HTTP layer.
@Suite("Evaluation errors")
struct EvaluationErrorTests {
    @Test("an unknown flag is FLAG_NOT_FOUND with no value or variant")
    func unknownFlag() throws {
        let result = FlagFixtures.evaluator(try FlagFixtures.toggle("known")).evaluate("unknown", context: EvaluationContext())
        #expect(result.errorCode == .flagNotFound)
        #expect(result.reason == .error)
        #expect(result.value == nil)
        #expect(result.variant == nil)
        #expect(result.errorMessage == "flag \"unknown\" was not found")
    }

    @Test("an archived flag is FLAG_NOT_FOUND")
    func archivedFlag() throws {
        var flag = try FlagFixtures.toggle("retired")
        flag.isArchived = true
        let result = FlagFixtures.evaluator(flag).evaluate("retired", context: EvaluationContext())
        #expect(result.errorCode == .flagNotFound)
        #expect(result.value == nil)
    }

    @Test("asking for another type is TYPE_MISMATCH; asking for the flag's own type evaluates")
    func typeMismatch() throws {
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.toggle("dark-mode"))
        let mismatch = evaluator.evaluate("dark-mode", as: .string, context: EvaluationContext())
        #expect(mismatch.errorCode == .typeMismatch)
        #expect(mismatch.reason == .error)
        #expect(mismatch.value == nil)
        #expect(mismatch.errorMessage == "flag \"dark-mode\" is boolean, not string")
        let matching = evaluator.evaluate("dark-mode", as: .boolean, context: EvaluationContext())
        #expect(matching.errorCode == nil)
        #expect(matching.value == false)
    }

    @Test("a rollout with neither a tenant nor a targeting key is TARGETING_KEY_MISSING")
    func rolloutWithoutTargetingKey() throws {
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.toggle("beta", rollout: .percentage(50, of: "on")))
        let missing = evaluator.evaluate("beta", context: EvaluationContext(attributes: ["email": "a@b.c"]))
        #expect(missing.errorCode == .targetingKeyMissing)
        #expect(missing.reason == .error)
        #expect(missing.value == nil)
        #expect(evaluator.evaluate("beta", context: EvaluationContext(targetingKey: "user-1")).errorCode == nil)
        #expect(evaluator.evaluate("beta", context: EvaluationContext(tenant: FlagFixtures.tenant())).errorCode == nil)
    }

    @Test("a rollout by an attribute the context lacks (or cannot hash) is TARGETING_KEY_MISSING")
    func rolloutByMissingAttribute() throws {
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.toggle("beta", rollout: .percentage(100, of: "on", bucketBy: "email")))
        let tenantOnly = EvaluationContext(tenant: FlagFixtures.tenant())
        let missing = evaluator.evaluate("beta", context: tenantOnly)
        #expect(missing.errorCode == .targetingKeyMissing)
        #expect(missing.errorMessage == "flag \"beta\" rolls out by email, which the context does not have")
        let object = evaluator.evaluate("beta", context: EvaluationContext(attributes: ["email": .object(["a": 1])]))
        #expect(object.errorCode == .targetingKeyMissing)
        let present = evaluator.evaluate("beta", context: EvaluationContext(attributes: ["email": "a@acme.com"]))
        #expect(present.errorCode == nil)
        #expect(present.variant == "on")
        #expect(present.reason == .split)
    }

    @Test("an override or a matching rule answers before the rollout needs a targeting key")
    func targetingBeforeRolloutNeedsNoKey() throws {
        let flag = try FlagFixtures.toggle(
            "beta", rules: [FlagFixtures.rule("staff", "email", .endsWith, "@acme.com", serve: "on")], rollout: .percentage(50, of: "on")
        )
        let result = FlagFixtures.evaluator(flag).evaluate("beta", context: EvaluationContext(attributes: ["email": "a@acme.com"]))
        #expect(result.errorCode == nil)
        #expect(result.variant == "on")
    }

    @Test("a caller context naming a tenant attribute is refused (INVALID_CONTEXT)", arguments: ["tenant.plan", "tenant", "tenant.id"])
    func reservedAttribute(name: String) {
        #expect(throws: EvaluationContextError.self) {
            try EvaluationContext(tenant: FlagFixtures.tenant(), caller: [name: "enterprise"])
        }
    }

    @Test("a caller context with a non-string targetingKey is refused (INVALID_CONTEXT)")
    func numericTargetingKey() throws {
        #expect(throws: EvaluationContextError("targetingKey must be a string, not integer")) {
            try EvaluationContext(tenant: nil, caller: ["targetingKey": 42])
        }
        #expect(throws: EvaluationContextError.self) {
            try EvaluationContext(tenant: nil, caller: ["targetingKey": true])
        }
    }

    @Test("a caller context's string targeting key is used; an empty or null one means the tenant's id")
    func acceptedTargetingKeys() throws {
        let tenant = FlagFixtures.tenant()
        let explicit = try EvaluationContext(tenant: tenant, caller: ["targetingKey": "user-7", "plan": "x"])
        #expect(explicit.effectiveTargetingKey == "user-7")
        #expect(explicit.attributes == ["plan": "x"])
        #expect(try EvaluationContext(tenant: tenant, caller: ["targetingKey": ""]).effectiveTargetingKey == tenant.idString)
        #expect(try EvaluationContext(tenant: tenant, caller: ["targetingKey": .null]).effectiveTargetingKey == tenant.idString)
    }

    @Test("a prerequisite missing from the catalog is GENERAL")
    func missingPrerequisite() throws {
        let flag = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("ghost"), variant: "on")])
        let result = FlagFixtures.evaluator(flag).evaluate("child", context: EvaluationContext())
        #expect(result.errorCode == .general)
        #expect(result.value == nil)
        #expect(result.errorMessage == "prerequisite \"ghost\" of flag \"child\" cannot be evaluated")
    }

    @Test("an archived prerequisite is GENERAL")
    func archivedPrerequisite() throws {
        var parent = try FlagFixtures.toggle("parent")
        parent.isArchived = true
        let child = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("parent"), variant: "off")])
        #expect(FlagFixtures.evaluator(parent, child).evaluate("child", context: EvaluationContext()).errorCode == .general)
    }

    /// Flags p0 → p1 → … → p`edges`, each requiring the next to be `off`.
    func chain(edges: Int) throws -> FlagEvaluator {
        var flags: [Flag] = []
        for index in 0...edges {
            let prerequisites = index < edges ? [Prerequisite(flag: try FlagKey("p\(index + 1)"), variant: "off")] : []
            flags.append(try FlagFixtures.toggle("p\(index)", prerequisites: prerequisites))
        }
        return FlagEvaluator(catalog: FlagCatalog(flags: flags))
    }

    @Test("a prerequisite chain of the maximum depth evaluates; one more link is GENERAL")
    func prerequisiteDepth() throws {
        let limit = FlagEvaluator.maximumPrerequisiteDepth
        let deepest = try chain(edges: limit).evaluate("p0", context: EvaluationContext())
        #expect(deepest.errorCode == nil)
        #expect(deepest.variant == "off")
        #expect(deepest.reason == .default)
        let tooDeep = try chain(edges: limit + 1).evaluate("p0", context: EvaluationContext())
        #expect(tooDeep.errorCode == .general)
        #expect(tooDeep.reason == .error)
        // The error surfaces on the flag asked for, naming the prerequisite it came through.
        #expect(tooDeep.flagKey == "p0")
        #expect(tooDeep.errorMessage?.hasPrefix("prerequisite \"p1\": ") == true)
    }

    @Test("a definition that would make a chain longer than the evaluator follows is refused, from either end")
    func prerequisiteDepthRefusedAtDefinition() throws {
        let limit = FlagEvaluator.maximumPrerequisiteDepth
        let catalog = try chain(edges: limit).catalog
        // On top: a new flag requiring the head of a full-length chain.
        let head = try FlagFixtures.toggle("head", prerequisites: [Prerequisite(flag: try FlagKey("p0"), variant: "off")])
        #expect(throws: FlagError.self) { try catalog.validatePrerequisites(of: head) }
        do {
            try catalog.validatePrerequisites(of: head)
        } catch {
            #expect(error.description.contains("at most \(limit) links; this one would have \(limit + 1): head → p0 → p1"))
        }
        // Underneath: the chain's tail gaining a prerequisite.
        let withExtra = FlagCatalog(flags: catalog.activeFlags + [try FlagFixtures.toggle("extra")])
        let tail = try FlagFixtures.toggle("p\(limit)", prerequisites: [Prerequisite(flag: try FlagKey("extra"), variant: "off")])
        #expect(throws: FlagError.self) { try withExtra.validatePrerequisites(of: tail) }
        // A chain of exactly the limit is accepted, from its head and from its tail.
        for key in ["p0", "p\(limit)"] {
            try catalog.validatePrerequisites(of: try #require(catalog.flag(key)))
        }
    }

    @Test("a diamond of prerequisites evaluates every shared prerequisite to one answer, at the full depth")
    func prerequisiteDiamond() throws {
        // Level i has four flags, each requiring all four of level i+1 to be off: 4^16 paths
        // through 68 flags. Walking every path would not finish; the evaluator remembers each
        // prerequisite's result and walks each flag once.
        let depth = FlagEvaluator.maximumPrerequisiteDepth
        let names = ["a", "b", "c", "d"]
        var flags: [Flag] = []
        for level in 0...depth {
            let next = level < depth ? try names.map { Prerequisite(flag: try FlagKey("\($0)\(level + 1)"), variant: "off") } : []
            flags.append(try FlagFixtures.toggle("a\(level)", prerequisites: next, rules: [TargetingRule(name: "all", condition: .compare(attribute: "targetingKey", operator: .startsWith, value: ""), variant: "off")]))
            for name in names.dropFirst() { flags.append(try FlagFixtures.toggle("\(name)\(level)", prerequisites: next)) }
        }
        let catalog = FlagCatalog(flags: flags)
        for flag in flags { try catalog.validatePrerequisites(of: flag) }
        let evaluator = FlagEvaluator(catalog: catalog)
        let result = evaluator.evaluate("a0", context: EvaluationContext(targetingKey: "k"))
        #expect(result.errorCode == nil)
        #expect(result.variant == "off")
        #expect(result.reason == .targetingMatch)
        #expect(evaluator.evaluateAll(context: EvaluationContext(targetingKey: "k")).allSatisfy { $0.errorCode == nil })
    }

    @Test("a cycle away from the flag being checked is refused, not walked forever")
    func cycleElsewhereIsRefused() throws {
        // b ⇄ c, as an import document may hold; checking a → b meets it.
        let b = try FlagFixtures.toggle("b", prerequisites: [Prerequisite(flag: try FlagKey("c"), variant: "off")])
        let c = try FlagFixtures.toggle("c", prerequisites: [Prerequisite(flag: try FlagKey("b"), variant: "off")])
        let a = try FlagFixtures.toggle("a", prerequisites: [Prerequisite(flag: try FlagKey("b"), variant: "off")])
        let catalog = FlagCatalog(flags: [a, b, c])
        #expect(FlagFixtures.failure { try catalog.validatePrerequisites(of: a) }?.contains("would form a cycle: b → c → b") == true)
        // And upwards: z with no prerequisites, required by b, which sits on the cycle.
        let z = try FlagFixtures.toggle("z")
        let bz = try FlagFixtures.toggle("b", prerequisites: [Prerequisite(flag: try FlagKey("c"), variant: "off"), Prerequisite(flag: try FlagKey("z"), variant: "off")])
        let upward = FlagCatalog(flags: [bz, c, z])
        #expect(FlagFixtures.failure { try upward.validatePrerequisites(of: z) }?.contains("would form a cycle") == true)
    }

    @Test("in a chain recorded before chains were limited, a flag answers the same alone and in bulk")
    func legacyChainIsConsistent() throws {
        let evaluator = try chain(edges: FlagEvaluator.maximumPrerequisiteDepth + 1)
        let context = EvaluationContext()
        let bulk = evaluator.evaluateAll(context: context)
        for result in bulk {
            #expect(result == evaluator.evaluate(result.flagKey, context: context), "\(result.flagKey)")
        }
        #expect(bulk.first { $0.flagKey == "p0" }?.errorCode == .general)
        #expect(bulk.first { $0.flagKey == "p1" }?.errorCode == nil)
    }

    @Test("an error in a prerequisite becomes the flag's error with the same code")
    func prerequisiteErrorPropagates() throws {
        let parent = try FlagFixtures.toggle("parent", rollout: .percentage(50, of: "on"))
        let child = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("parent"), variant: "on")])
        let result = FlagFixtures.evaluator(parent, child).evaluate("child", context: EvaluationContext())
        #expect(result.errorCode == .targetingKeyMissing)
        #expect(result.flagKey == "child")
    }
}
