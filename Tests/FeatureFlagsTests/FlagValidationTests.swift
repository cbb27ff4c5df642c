@testable import FeatureFlags
import Foundation
import Testing

/// `Flag.validate()` and `FlagCatalog.validatePrerequisites`: a definition that could not
/// evaluate sensibly is refused, with a message naming the flag and the problem.
@Suite("Flag definition validation")
struct FlagValidationTests {
    @Test("a well-formed flag with every kind of targeting is valid")
    func valid() throws {
        let flag = try FlagFixtures.layout(
            overrides: [UUID(): "beta"], rules: [FlagFixtures.rule("r1", "country", .in, .array(["NZ", "AU"]), serve: "new")],
            rollout: .percentage(10, of: "new"), entitlements: ["pro": "pro"]
        )
        #expect(FlagFixtures.failure { try flag.validate() } == nil)
    }

    @Test("a rule naming an unknown variant is refused")
    func ruleWithUnknownVariant() throws {
        let flag = try FlagFixtures.layout(rules: [FlagFixtures.rule("r1", "country", .equals, "NZ", serve: "nope")])
        #expect(FlagFixtures.failure { try flag.validate() } == "flag layout: rule r1 names unknown variant \"nope\"")
    }

    @Test("an override naming an unknown variant is refused")
    func overrideWithUnknownVariant() throws {
        let tenant = UUID()
        let flag = try FlagFixtures.layout(overrides: [tenant: "nope"])
        #expect(
            FlagFixtures.failure { try flag.validate() }
                == "flag layout: override for tenant \(tenant.uuidString.lowercased()) names unknown variant \"nope\""
        )
    }

    @Test("an entitlement naming an unknown variant is refused")
    func entitlementWithUnknownVariant() throws {
        let flag = try FlagFixtures.layout(entitlements: ["pro": "nope"])
        #expect(FlagFixtures.failure { try flag.validate() } == "flag layout: entitlement of plan pro names unknown variant \"nope\"")
    }

    @Test("a rollout naming an unknown variant is refused")
    func rolloutWithUnknownVariant() throws {
        let flag = try FlagFixtures.layout(rollout: .percentage(10, of: "nope"))
        #expect(FlagFixtures.failure { try flag.validate() } == "flag layout: rollout names unknown variant \"nope\"")
    }

    @Test("rollouts with negative weights, no weight at all, or no splits are refused")
    func unusableRollouts() throws {
        let negative = try FlagFixtures.layout(rollout: Rollout(splits: [.init(variant: "new", weight: -1), .init(variant: nil, weight: 5)]))
        #expect(FlagFixtures.failure { try negative.validate() } == "flag layout: rollout weight -1 is negative")
        let zero = try FlagFixtures.layout(rollout: Rollout(splits: [.init(variant: "new", weight: 0)]))
        #expect(FlagFixtures.failure { try zero.validate() } == "flag layout: rollout weights add up to zero")
        let empty = try FlagFixtures.layout(rollout: Rollout(splits: []))
        #expect(FlagFixtures.failure { try empty.validate() } == "flag layout: a rollout needs at least one split")
    }

    @Test("a variant value of the wrong type is refused")
    func wrongValueType() throws {
        let flag = Flag(key: try FlagKey("dark-mode"), type: .boolean, variants: ["on": "yes", "off": false], defaultVariant: "off")
        #expect(FlagFixtures.failure { try flag.validate() } == "flag dark-mode: variant \"on\" is string, not boolean")
    }

    @Test("an integer flag takes whole doubles but not fractions; a double flag takes integers")
    func numericCoercion() throws {
        let whole = Flag(key: try FlagKey("limit"), type: .integer, variants: ["a": 2.0, "b": 3], defaultVariant: "a")
        #expect(FlagFixtures.failure { try whole.validate() } == nil)
        let fraction = Flag(key: try FlagKey("limit"), type: .integer, variants: ["a": 2.5, "b": 3], defaultVariant: "a")
        #expect(FlagFixtures.failure { try fraction.validate() } == "flag limit: variant \"a\" is number, not integer")
        let ratio = Flag(key: try FlagKey("ratio"), type: .double, variants: ["a": 1, "b": 0.5], defaultVariant: "a")
        #expect(FlagFixtures.failure { try ratio.validate() } == nil)
    }

    @Test("a default variant that is not a variant is refused, listing the variants")
    func badDefault() throws {
        let flag = Flag(key: try FlagKey("dark-mode"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "maybe")
        #expect(FlagFixtures.failure { try flag.validate() } == "flag dark-mode: default variant \"maybe\" is not one of off, on")
    }

    @Test("duplicate and empty rule names are refused")
    func duplicateRuleNames() throws {
        let duplicate = try FlagFixtures.layout(rules: [
            FlagFixtures.rule("beta", "country", .equals, "NZ", serve: "new"),
            FlagFixtures.rule("beta", "country", .equals, "AU", serve: "beta"),
        ])
        #expect(FlagFixtures.failure { try duplicate.validate() } == "flag layout: rule names must be unique and not empty (\"beta\")")
        let empty = try FlagFixtures.layout(rules: [FlagFixtures.rule("", "country", .equals, "NZ", serve: "new")])
        #expect(FlagFixtures.failure { try empty.validate() } != nil)
    }

    @Test("conditions that can never evaluate sensibly are refused")
    func badConditions() throws {
        func failure(_ condition: Condition) throws -> String? {
            let flag = try FlagFixtures.layout(rules: [TargetingRule(name: "r1", condition: condition, variant: "new")])
            return FlagFixtures.failure { try flag.validate() }
        }
        #expect(
            try failure(.compare(attribute: "plan", operator: .equals, value: .array(["a"])))
                == "flag layout: rule r1: condition on plan: eq takes one value; use in or not-in for a list"
        )
        #expect(
            try failure(.compare(attribute: "plan", operator: .in, value: .array([])))
                == "flag layout: rule r1: condition on plan: in takes a non-empty list of values"
        )
        #expect(
            try failure(.compare(attribute: "age", operator: .lessThan, value: "ten"))
                == "flag layout: rule r1: condition on age: lt takes a number, not string"
        )
        #expect(
            try failure(.compare(attribute: "version", operator: .semverGreaterThan, value: "latest"))
                == "flag layout: rule r1: condition on version: semver-gt takes a semantic version such as 1.4.0"
        )
        #expect(try failure(.compare(attribute: "", operator: .equals, value: 1)) == "flag layout: rule r1: a condition names no attribute")
        #expect(try failure(.any([])) == "flag layout: rule r1: all/any needs at least one condition")
    }

    @Test("a flag cannot be its own prerequisite")
    func selfPrerequisite() throws {
        let flag = try FlagFixtures.toggle("loop", prerequisites: [Prerequisite(flag: try FlagKey("loop"), variant: "on")])
        #expect(FlagFixtures.failure { try flag.validate() } == "flag loop: a flag cannot be its own prerequisite")
    }

    @Test("metadata holds primitive values only")
    func nestedMetadata() throws {
        let flag = Flag(
            key: try FlagKey("dark-mode"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            metadata: ["owner": "web", "links": .array(["a"])]
        )
        #expect(FlagFixtures.failure { try flag.validate() } == "flag dark-mode: metadata \"links\" must be a string, a number or a boolean")
    }

    @Test("invalid flag keys and variant names are refused")
    func namesAndKeys() throws {
        #expect(try FlagKey("DarkMode").rawValue == "DarkMode")
        #expect(throws: FlagError.self) { try FlagKey("dark mode") }
        #expect(throws: FlagError.self) { try FlagKey("dark/mode") }
        #expect(throws: FlagError.self) { try FlagKey("-leading-dash") }
        #expect(throws: FlagError.self) { try FlagKey(String(repeating: "a", count: FlagKey.maximumLength + 1)) }
        let flag = Flag(key: try FlagKey("dark-mode"), type: .boolean, variants: ["o n": true, "off": false], defaultVariant: "off")
        #expect(FlagFixtures.failure { try flag.validate() }?.hasPrefix("flag dark-mode: invalid variant name \"o n\"") == true)
    }

    @Test("a prerequisite must name an active flag and one of its variants")
    func prerequisitesAgainstTheCatalog() throws {
        let catalog = FlagCatalog(flags: [try FlagFixtures.toggle("parent")])
        let ghost = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("ghost"), variant: "on")])
        #expect(
            FlagFixtures.failure { try catalog.validatePrerequisites(of: ghost) }
                == "flag child: prerequisite flag \"ghost\" does not exist"
        )
        let badVariant = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("parent"), variant: "maybe")])
        #expect(
            FlagFixtures.failure { try catalog.validatePrerequisites(of: badVariant) }
                == "flag child: prerequisite flag \"parent\" has no variant \"maybe\""
        )
        let fine = try FlagFixtures.toggle("child", prerequisites: [Prerequisite(flag: try FlagKey("parent"), variant: "on")])
        #expect(FlagFixtures.failure { try catalog.validatePrerequisites(of: fine) } == nil)
    }

    @Test("a prerequisite cycle a → b → a is refused with its path")
    func twoFlagCycle() throws {
        let b = try FlagFixtures.toggle("b", prerequisites: [Prerequisite(flag: try FlagKey("a"), variant: "on")])
        let catalog = FlagCatalog(flags: [try FlagFixtures.toggle("a"), b])
        let a = try FlagFixtures.toggle("a", prerequisites: [Prerequisite(flag: try FlagKey("b"), variant: "on")])
        #expect(FlagFixtures.failure { try catalog.validatePrerequisites(of: a) } == "flag a: prerequisites would form a cycle: a → b → a")
    }

    @Test("a longer cycle is refused with its whole path; a diamond is not a cycle")
    func longerCycleAndDiamond() throws {
        let b = try FlagFixtures.toggle("b", prerequisites: [Prerequisite(flag: try FlagKey("c"), variant: "on")])
        let c = try FlagFixtures.toggle("c", prerequisites: [Prerequisite(flag: try FlagKey("a"), variant: "on")])
        let cyclic = FlagCatalog(flags: [try FlagFixtures.toggle("a"), b, c])
        let a = try FlagFixtures.toggle("a", prerequisites: [Prerequisite(flag: try FlagKey("b"), variant: "on")])
        #expect(FlagFixtures.failure { try cyclic.validatePrerequisites(of: a) } == "flag a: prerequisites would form a cycle: a → b → c → a")

        // top → left → bottom and top → right → bottom share a flag without looping.
        let left = try FlagFixtures.toggle("left", prerequisites: [Prerequisite(flag: try FlagKey("bottom"), variant: "on")])
        let right = try FlagFixtures.toggle("right", prerequisites: [Prerequisite(flag: try FlagKey("bottom"), variant: "on")])
        let diamond = FlagCatalog(flags: [try FlagFixtures.toggle("bottom"), left, right])
        let top = try FlagFixtures.toggle("top", prerequisites: [
            Prerequisite(flag: try FlagKey("left"), variant: "on"), Prerequisite(flag: try FlagKey("right"), variant: "on"),
        ])
        #expect(FlagFixtures.failure { try diamond.validatePrerequisites(of: top) } == nil)
    }
}
