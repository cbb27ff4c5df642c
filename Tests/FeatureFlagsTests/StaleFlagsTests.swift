import FeatureFlags
import Foundation
import Testing

@Suite("Stale flags")
struct StaleFlagsTests {
    let old = Date(timeIntervalSince1970: 1_600_000_000)
    let cutoff = Date(timeIntervalSince1970: 1_700_000_000)

    func flag(_ key: String, rules: [TargetingRule] = [], rollout: Rollout? = nil, overrides: TenantOverrides = [:]) throws -> Flag {
        Flag(
            key: try FlagKey(key), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
            overrides: overrides, rules: rules, rollout: rollout, createdAt: old
        )
    }

    @Test("only flags whose answer the tenants alone decide, and that give every tenant one variant, are stale")
    func onlyTenantDecidedFlags() throws {
        let tenants = (0..<20).map { TenantAttributes(id: UUID(), slug: "t\($0)", plan: "free", state: "active", isolation: "pooled", createdAt: old) }
        let catalog = FlagCatalog(flags: [
            try flag("plain"),
            try flag("plan-rule", rules: [TargetingRule(name: "r1", condition: .compare(attribute: "tenant.plan", operator: .equals, value: "pro"), variant: "on")]),
            try flag("caller-rule", rules: [TargetingRule(name: "r1", condition: .compare(attribute: "country", operator: .equals, value: "DE"), variant: "on")]),
            try flag("split", rollout: .percentage(50, of: "on")),
            try flag("all-in", rollout: .percentage(100, of: "on")),
            try flag("none-in", rollout: .percentage(0, of: "on")),
            try flag("one-override", overrides: [tenants[3].id: "on"]),
        ])
        let stale = FlagEvaluator(catalog: catalog).staleFlags(untouchedSince: cutoff, tenants: tenants)
        #expect(stale.map(\.key.rawValue) == ["all-in", "none-in", "plain", "plan-rule"])
        #expect(stale.first { $0.key.rawValue == "all-in" }?.variant == "on")
        #expect(stale.first { $0.key.rawValue == "none-in" }?.variant == "off")
        // Recently changed flags are not stale; with no tenants nothing can be said.
        #expect(FlagEvaluator(catalog: catalog).staleFlags(untouchedSince: old, tenants: tenants).isEmpty)
        #expect(FlagEvaluator(catalog: catalog).staleFlags(untouchedSince: cutoff, tenants: []).isEmpty)
    }

    @Test("a diamond of prerequisites is looked at once per flag: 4^16 paths through 68 flags, all stale")
    func prerequisiteDiamond() throws {
        let names = ["a", "b", "c", "d"]
        let depth = FlagEvaluator.maximumPrerequisiteDepth
        var flags: [Flag] = []
        for level in 0...depth {
            let next = level < depth ? try names.map { Prerequisite(flag: try FlagKey("\($0)\(level + 1)"), variant: "off") } : []
            for name in names {
                flags.append(Flag(
                    key: try FlagKey("\(name)\(level)"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                    prerequisites: next, createdAt: old
                ))
            }
        }
        let tenants = (0..<3).map { TenantAttributes(id: UUID(), slug: "t\($0)", plan: "free", state: "active", isolation: "pooled", createdAt: old) }
        let stale = FlagEvaluator(catalog: FlagCatalog(flags: flags)).staleFlags(untouchedSince: cutoff, tenants: tenants)
        #expect(stale.count == flags.count)
        #expect(stale.allSatisfy { $0.variant == "off" })
    }
}
