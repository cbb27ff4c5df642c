@testable import FeatureFlags
import Foundation

/// Reproducible randomness (SplitMix64), so a failing sample of a statistical or round-trip
/// test is the same on every run.
struct FixtureRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func uuid() -> UUID {
        let high = next()
        let low = next()
        func byte(_ word: UInt64, _ index: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: word >> (8 * index)) }
        return UUID(
            uuid: (
                byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6),
                byte(high, 7), byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5),
                byte(low, 6), byte(low, 7)
            )
        )
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0..<choices.count, using: &self)]
    }
}

/// Builders for the flags and contexts the evaluator tests share.
enum FlagFixtures {
    static let createdAt = Date(timeIntervalSince1970: 1_700_000_000)

    static func tenant(
        id: UUID = UUID(), plan: String = "free", state: String = "active", custom: [String: JSONValue] = [:]
    ) -> TenantAttributes {
        TenantAttributes(
            id: id, slug: "tenant-" + id.uuidString.prefix(8).lowercased(), plan: plan, state: state, isolation: "pooled",
            createdAt: createdAt, custom: custom
        )
    }

    /// A boolean flag `on`/`off` defaulting to `off`.
    static func toggle(
        _ key: String, isEnabled: Bool = true, prerequisites: [Prerequisite] = [], overrides: TenantOverrides = [:],
        rules: [TargetingRule] = [], rollout: Rollout? = nil, entitlements: [String: String] = [:]
    ) throws -> Flag {
        Flag(
            key: try FlagKey(key), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            isEnabled: isEnabled, prerequisites: prerequisites, overrides: overrides, rules: rules, rollout: rollout,
            entitlements: entitlements, createdAt: createdAt
        )
    }

    /// A string flag with variants `old`, `new`, `beta` and `pro`, defaulting to `old`.
    static func layout(
        _ key: String = "layout", isEnabled: Bool = true, prerequisites: [Prerequisite] = [], overrides: TenantOverrides = [:],
        rules: [TargetingRule] = [], rollout: Rollout? = nil, entitlements: [String: String] = [:]
    ) throws -> Flag {
        Flag(
            key: try FlagKey(key), type: .string, variants: ["old": "old", "new": "new", "beta": "beta", "pro": "pro"],
            defaultVariant: "old", isEnabled: isEnabled, prerequisites: prerequisites, overrides: overrides, rules: rules,
            rollout: rollout, entitlements: entitlements, createdAt: createdAt
        )
    }

    static func evaluator(_ flags: Flag...) -> FlagEvaluator {
        FlagEvaluator(catalog: FlagCatalog(flags: flags))
    }

    static func rule(_ name: String, _ attribute: String, _ comparison: ComparisonOperator, _ value: JSONValue, serve variant: String)
        -> TargetingRule
    {
        TargetingRule(name: name, condition: .compare(attribute: attribute, operator: comparison, value: value), variant: variant)
    }

    /// The message of the `FlagError` `body` throws, or nil when it throws nothing.
    static func failure(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as FlagError {
            return error.description
        } catch {
            return "not a FlagError: \(error)"
        }
    }
}
