@testable import FeatureFlags
import Foundation
import Testing

/// Export to flagd and import back gives flags that evaluate exactly as the originals: same
/// value, variant, reason, error and metadata for every flag over thousands of contexts.
@Suite("flagd round trip")
struct FlagdRoundTripTests {
    static let overridden = [UUID(), UUID(), UUID()]

    static func compare(_ attribute: String, _ comparison: ComparisonOperator, _ value: JSONValue) -> Condition {
        .compare(attribute: attribute, operator: comparison, value: value)
    }

    static func rules(_ entries: [(Condition, String)]) -> [TargetingRule] {
        entries.enumerated().map { TargetingRule(name: "rule-\($0.offset + 1)", condition: $0.element.0, variant: $0.element.1) }
    }

    /// Flags covering every operator, nested all/any, overrides, both rollout shapes,
    /// entitlements, prerequisites, a disabled flag and every flag type.
    static func originals() throws -> [Flag] {
        let (o1, o2, o3) = (overridden[0], overridden[1], overridden[2])
        let checkout = Flag(
            key: try FlagKey("checkout"), description: "New checkout", type: .boolean, variants: ["on": true, "off": false],
            defaultVariant: "off", prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on")],
            overrides: [o1: "on", o2: "on", o3: "off"],
            rules: rules([
                (.all([compare("email", .endsWith, "@acme.com"), .any([compare("country", .in, .array(["NZ", "AU"])), compare("tenant.region", .equals, "eu")])]), "on"),
                (compare("email", .startsWith, "test."), "off"),
                (compare("tags", .contains, "vip"), "on"),
                (compare("email", .contains, "globex"), "off"),
                (.any([compare("age", .lessThan, 18), compare("age", .greaterThanOrEqual, 65.5)]), "on"),
                (.all([compare("country", .notIn, .array(["US", "CA"])), compare("score", .greaterThan, 0.5)]), "on"),
            ]),
            rollout: .percentage(30, of: "on"), entitlements: ["pro": "on", "enterprise": "on"],
            metadata: ["owner": "payments", "weight": 0.25, "tier": 3, "public": true]
        )
        let theme = Flag(
            key: try FlagKey("theme"), type: .string,
            variants: ["light": "light", "dark": "dark", "contrast": "contrast", "classic": "classic"], defaultVariant: "light",
            rules: rules([
                (compare("user.tier", .equals, "gold"), "contrast"),
                (compare("tags", .contains, "beta"), "dark"),
                (compare("email", .endsWith, ".org"), "classic"),
                (compare("country", .notEquals, "NZ"), "dark"),
                (compare("email", .in, .array(["boss@globex.com", "ann1@acme.com"])), "contrast"),
                (compare("tenant.isolation", .equals, "dedicated"), "classic"),
            ]),
            rollout: Rollout(
                splits: [.init(variant: "dark", weight: 20), .init(variant: "contrast", weight: 10), .init(variant: nil, weight: 70)],
                bucketBy: "email"
            ),
            entitlements: ["team": "classic"]
        )
        let limit = Flag(
            key: try FlagKey("limit"), type: .integer, variants: ["low": 10, "mid": 50, "high": 100], defaultVariant: "low",
            rules: rules([
                (compare("tenant.seats", .lessThanOrEqual, 10), "mid"),
                (compare("age", .greaterThan, 40.5), "high"),
                (compare("tenant.createdAt", .lessThan, 1_650_000_000), "high"),
                (compare("score", .greaterThanOrEqual, 0.9), "mid"),
                (compare("age", .equals, 30), "low"),
            ]),
            rollout: Rollout(splits: [.init(variant: "mid", weight: 50), .init(variant: "high", weight: 50)])
        )
        let ratio = Flag(
            key: try FlagKey("ratio"), type: .double, variants: ["one": 1.0, "half": 0.5, "two": 2.0], defaultVariant: "one",
            rules: rules([
                (compare("version", .semverEquals, "v1.5.0"), "half"),
                (compare("version", .semverLessThan, "1.0.0"), "two"),
                (compare("version", .semverGreaterThanOrEqual, "2.0.0-rc.2"), "half"),
                (compare("version", .semverGreaterThan, "1.2.0"), "two"),
                (compare("version", .semverLessThanOrEqual, "1.2.0"), "one"),
            ]),
            rollout: Rollout(splits: [.init(variant: "two", weight: 1)]), entitlements: ["pro": "half"],
            metadata: ["scale": 1.5]
        )
        let banner = Flag(
            key: try FlagKey("banner"), type: .object,
            variants: ["a": .object(["text": "hi", "count": 1]), "b": .object(["text": "bye", "tags": .array(["x"])])], defaultVariant: "a",
            overrides: [o1: "b", o3: "a"],
            rules: rules([(compare("user.id", .startsWith, "u-1"), "b"), (compare("tenant.plan", .equals, "trial"), "b")]),
            entitlements: ["enterprise": "b"]
        )
        let kill = Flag(
            key: try FlagKey("kill"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on", isEnabled: false,
            rules: rules([(compare("country", .equals, "NZ"), "off")]), rollout: .percentage(50, of: "off")
        )
        let gate = Flag(
            key: try FlagKey("gate"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            rules: rules([(compare("tenant.state", .equals, "active"), "on")])
        )
        let plain = Flag(key: try FlagKey("plain"), type: .string, variants: ["only": "only"], defaultVariant: "only")
        let gated = Flag(
            key: try FlagKey("gated"), type: .string, variants: ["x": "x", "y": "y"], defaultVariant: "y",
            prerequisites: [Prerequisite(flag: try FlagKey("gate"), variant: "on"), Prerequisite(flag: try FlagKey("checkout"), variant: "on")]
        )
        let byUser = Flag(
            key: try FlagKey("by-user"), type: .string, variants: ["a": "a", "b": "b", "c": "c"], defaultVariant: "a",
            rollout: Rollout(
                splits: [.init(variant: "a", weight: 1), .init(variant: "b", weight: 2), .init(variant: "c", weight: 3)], bucketBy: "user.id"
            )
        )
        return [checkout, theme, limit, ratio, banner, kill, gate, plain, gated, byUser]
    }

    /// Contexts that hit every branch: override tenants, every plan, attributes present,
    /// missing and of the wrong kind, with and without a tenant or a targeting key.
    static func contexts(count: Int) -> [EvaluationContext] {
        var random = FixtureRandom(seed: 0xF1A9_D5EE)
        return (0..<count).map { _ in context(&random) }
    }

    static func context(_ random: inout FixtureRandom) -> EvaluationContext {
        var tenant: TenantAttributes?
        if random.chance(0.9) {
            let id = random.chance(0.1) ? random.pick(overridden) : random.uuid()
            var custom: [String: JSONValue] = [:]
            if random.chance(0.7) { custom["region"] = .string(random.pick(["eu", "us", "apac"])) }
            if random.chance(0.7) {
                custom["seats"] =
                    random.chance(0.5) ? .integer(Int64.random(in: 1...40, using: &random)) : .double(Double(Int.random(in: 2...80, using: &random)) / 2)
            }
            tenant = TenantAttributes(
                id: id, slug: "t", plan: random.pick(["free", "pro", "team", "enterprise", "trial"]),
                state: random.pick(["active", "suspended"]), isolation: random.pick(["pooled", "dedicated"]),
                createdAt: Date(timeIntervalSince1970: Double(Int.random(in: 1_600_000_000...1_760_000_000, using: &random))), custom: custom
            )
        }
        var attributes: [String: JSONValue] = [:]
        if random.chance(0.8) {
            let local = random.pick(["ann", "bob", "test.carl", "dee"]) + String(Int.random(in: 0..<30, using: &random))
            attributes["email"] = random.chance(0.05) ? "boss@globex.com" : .string(local + "@" + random.pick(["acme.com", "example.org", "globex.com", "beta.acme.com"]))
        }
        if random.chance(0.7) { attributes["country"] = random.chance(0.1) ? 64 : .string(random.pick(["NZ", "AU", "US", "CA", "DE"])) }
        if random.chance(0.7) {
            attributes["version"] = .string(
                random.pick(["0.9.0", "1.0.0", "1.2.0", "1.5.0", "v1.5.0", "1.5.0+b7", "2.0.0-rc.1", "2.0.0-rc.2", "2.0.0", "2.1.0-alpha", "3.0.0", "banana", "1.2"])
            )
        }
        if random.chance(0.6) {
            attributes["age"] = random.pick([.integer(Int64.random(in: 10...80, using: &random)), .double(17.5), .double(30), .double(65.5), .string("42")])
        }
        if random.chance(0.5) {
            attributes["tags"] = random.chance(0.2) ? "beta-tester" : .array(["beta", "internal", "vip"].filter { _ in random.chance(0.4) }.map(JSONValue.string))
        }
        if random.chance(0.5) {
            var user: [String: JSONValue] = ["id": .string("u-\(Int.random(in: 0..<40, using: &random))")]
            if random.chance(0.6) { user["tier"] = .string(random.pick(["gold", "silver"])) }
            attributes["user"] = .object(user)
        }
        if random.chance(0.5) { attributes["score"] = .double(Double.random(in: 0..<1, using: &random)) }
        let targetingKey = random.chance(0.3) ? "user-\(Int.random(in: 0..<50, using: &random))" : nil
        return EvaluationContext(targetingKey: targetingKey, tenant: tenant, attributes: attributes)
    }

    static func roundTripped(_ flags: [Flag]) throws -> [Flag] {
        try FlagdDocument.importFlags(FlagdDocument.export(flags), now: FlagFixtures.createdAt)
    }

    @Test("2,000 contexts evaluate identically before and after the round trip")
    func evaluationsAgree() throws {
        let originals = try Self.originals()
        let imported = try Self.roundTripped(originals)
        #expect(imported.count == originals.count)
        let before = FlagEvaluator(catalog: FlagCatalog(flags: originals))
        let after = FlagEvaluator(catalog: FlagCatalog(flags: imported))
        var mismatches: [String] = []
        var reasons = Set<EvaluationReason>()
        var errors = Set<EvaluationErrorCode>()
        var variantsSeen: [String: Set<String>] = [:]
        for context in Self.contexts(count: 2_000) {
            for flag in originals {
                let key = flag.key.rawValue
                let expected = before.evaluate(key, context: context)
                let actual = after.evaluate(key, context: context)
                if expected != actual { mismatches.append("\(key): \(expected) ≠ \(actual) for \(context)") }
                reasons.insert(expected.reason)
                if let error = expected.errorCode { errors.insert(error) }
                if let variant = expected.variant { variantsSeen[key, default: []].insert(variant) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(3))")
        // The contexts exercise every outcome, so agreement means something.
        #expect(reasons == [.static, .targetingMatch, .split, .disabled, .default, .error])
        #expect(errors == [.targetingKeyMissing])
        for flag in originals where flag.isEnabled && (flag.rollout != nil || !flag.rules.isEmpty) {
            #expect(variantsSeen[flag.key.rawValue] == Set(flag.variants.keys), "\(flag.key)")
        }
    }

    @Test("every rule's condition both matches and fails in the sampled contexts")
    func contextsExerciseEveryRule() throws {
        let contexts = Self.contexts(count: 2_000)
        for flag in try Self.originals() {
            for rule in flag.rules {
                let matches = contexts.filter { rule.condition.matches($0) }.count
                #expect(matches > 0 && matches < contexts.count, "\(flag.key) \(rule.name) matched \(matches)")
            }
        }
    }

    @Test("the imported definitions equal the originals, rule names aside")
    func definitionsAgree() throws {
        let originals = try Self.originals()
        let imported = Dictionary(uniqueKeysWithValues: try Self.roundTripped(originals).map { ($0.key, $0) })
        for original in originals {
            let copy = try #require(imported[original.key])
            #expect(copy.description == original.description)
            #expect(copy.type == original.type)
            #expect(copy.variants == original.variants)
            #expect(copy.defaultVariant == original.defaultVariant)
            #expect(copy.isEnabled == original.isEnabled)
            #expect(copy.prerequisites == original.prerequisites)
            #expect(copy.overrides == original.overrides)
            #expect(copy.rollout == original.rollout)
            #expect(copy.metadata == original.metadata)
            #expect(copy.createdAt == FlagFixtures.createdAt)
            if original.key.rawValue == "banner" {
                // Its last rule tests the plan and comes right before the entitlements, so it
                // reads back as the entitlement it is equivalent to.
                #expect(copy.rules.map(\.condition) == [original.rules[0].condition])
                #expect(copy.entitlements == ["enterprise": "b", "trial": "b"])
            } else {
                #expect(copy.rules.map(\.condition) == original.rules.map(\.condition))
                #expect(copy.rules.map(\.variant) == original.rules.map(\.variant))
                #expect(copy.rules.map(\.name) == original.rules.indices.map { "r\($0 + 1)" })
                #expect(copy.entitlements == original.entitlements)
            }
        }
    }

    @Test("re-exporting imported flags gives the same definitions, and after one trip the document is a fixed point")
    func exportIsStable() throws {
        let originals = try Self.originals().sorted { $0.key < $1.key }
        let imported = try Self.roundTripped(originals)
        #expect(imported.map(\.key) == originals.map(\.key))
        // banner's plan rule reads back as an entitlement, which is written after the others.
        for (original, copy) in zip(originals, imported) where original.key.rawValue != "banner" {
            #expect(FlagdDocument.definition(of: copy) == FlagdDocument.definition(of: original), "\(original.key)")
        }
        let second = FlagdDocument.export(imported)
        let third = FlagdDocument.export(try FlagdDocument.importFlags(second, now: Date()))
        #expect(third == second)
    }

    @Test("prerequisites survive the trip and still pass the catalog's checks")
    func prerequisitesStillValid() throws {
        let imported = try Self.roundTripped(try Self.originals())
        let catalog = FlagCatalog(flags: imported)
        for flag in imported {
            #expect(FlagFixtures.failure { try catalog.validatePrerequisites(of: flag) } == nil, "\(flag.key)")
        }
    }
}
