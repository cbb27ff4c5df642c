@testable import FeatureFlags
import Foundation
import Testing

/// Percentage rollouts over many tenants: the shares are what the weights say, raising a
/// percentage only adds tenants, and a tenant's answer never changes.
@Suite("Rollout distribution and stickiness")
struct RolloutDistributionTests {
    static let tenantCount = 10_000
    /// About 3.5 standard deviations of a 25 % share over 10,000 tenants.
    static let tolerance = 0.015

    static let tenants: [TenantAttributes] = {
        var random = FixtureRandom(seed: 0x7E4A_4771)
        return (0..<RolloutDistributionTests.tenantCount).map { _ in FlagFixtures.tenant(id: random.uuid()) }
    }()

    var tenants: [TenantAttributes] { Self.tenants }

    func variants(_ rollout: Rollout, key: String = "rollout") throws -> [String?] {
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.layout(key, rollout: rollout))
        return tenants.map { evaluator.evaluate(key, context: EvaluationContext(tenant: $0)).variant }
    }

    func share(_ variant: String, of answers: [String?]) -> Double {
        Double(answers.filter { $0 == variant }.count) / Double(answers.count)
    }

    @Test("a 25 % rollout reaches 25 % of tenants; the rest fall through to the default")
    func quarter() throws {
        let answers = try variants(.percentage(25, of: "new"))
        #expect(abs(share("new", of: answers) - 0.25) <= Self.tolerance)
        #expect(abs(share("old", of: answers) - 0.75) <= Self.tolerance)
        #expect(answers.allSatisfy { $0 == "new" || $0 == "old" })
    }

    @Test("raising 25 % to 50 % keeps every tenant that was in")
    func raisingKeepsTenantsIn() throws {
        let quarter = try variants(.percentage(25, of: "new"))
        let half = try variants(.percentage(50, of: "new"))
        #expect(abs(share("new", of: half) - 0.50) <= Self.tolerance)
        let dropped = zip(quarter, half).filter { $0.0 == "new" && $0.1 != "new" }.count
        #expect(dropped == 0)
        #expect(half.filter { $0 == "new" }.count > quarter.filter { $0 == "new" }.count)
    }

    @Test("a 33/33/34 split gives each variant its share")
    func threeWaySplit() throws {
        let rollout = Rollout(splits: [
            .init(variant: "old", weight: 33), .init(variant: "new", weight: 33), .init(variant: "beta", weight: 34),
        ])
        let answers = try variants(rollout)
        #expect(abs(share("old", of: answers) - 0.33) <= Self.tolerance)
        #expect(abs(share("new", of: answers) - 0.33) <= Self.tolerance)
        #expect(abs(share("beta", of: answers) - 0.34) <= Self.tolerance)
        #expect(answers.allSatisfy { $0 == "old" || $0 == "new" || $0 == "beta" })
    }

    @Test("fine weights work too: 0.1 % of a million is about 0.1 %")
    func fineWeights() throws {
        let rollout = Rollout(splits: [.init(variant: "new", weight: 100_000), .init(variant: nil, weight: 900_000)])
        let answers = try variants(rollout)
        #expect(abs(share("new", of: answers) - 0.10) <= Self.tolerance)
    }

    @Test("the same tenant always gets the same answer, from any evaluator over the same definition")
    func stickiness() throws {
        let first = try variants(.percentage(50, of: "new"), key: "layout")
        let second = try variants(.percentage(50, of: "new"), key: "layout")
        #expect(first == second)
        let evaluator = FlagFixtures.evaluator(try FlagFixtures.layout(rollout: .percentage(50, of: "new")))
        for (tenant, answer) in zip(tenants.prefix(200), first) {
            for _ in 0..<3 {
                #expect(evaluator.evaluate("layout", context: EvaluationContext(tenant: tenant)).variant == answer)
            }
        }
    }

    @Test("different flags bucket independently: two 50 % rollouts overlap on about a quarter of tenants")
    func flagsBucketIndependently() throws {
        let a = try variants(.percentage(50, of: "new"), key: "flag-a")
        let b = try variants(.percentage(50, of: "new"), key: "flag-b")
        let both = Double(zip(a, b).filter { $0.0 == "new" && $0.1 == "new" }.count) / Double(Self.tenantCount)
        #expect(abs(both - 0.25) <= Self.tolerance)
    }

    @Test("a caller's targeting key buckets instead of the tenant's id")
    func targetingKeyBuckets() throws {
        let flag = try FlagFixtures.layout(rollout: Rollout(splits: [.init(variant: "new", weight: 1), .init(variant: "beta", weight: 1)]))
        let evaluator = FlagFixtures.evaluator(flag)
        for (index, tenant) in tenants.prefix(100).enumerated() {
            let key = "user-\(index)"
            let expected = FlagBucketing.bucket(flagKey: "layout", value: key, totalWeight: 2) == 0 ? "new" : "beta"
            let result = evaluator.evaluate("layout", context: EvaluationContext(targetingKey: key, tenant: tenant))
            #expect(result.variant == expected)
            let byTenant = FlagBucketing.bucket(flagKey: "layout", value: tenant.idString, totalWeight: 2) == 0 ? "new" : "beta"
            #expect(evaluator.evaluate("layout", context: EvaluationContext(tenant: tenant)).variant == byTenant)
        }
    }

    @Test("bucketBy hashes the attribute, so users of one tenant spread across the split")
    func bucketByAttribute() throws {
        let flag = try FlagFixtures.layout(rollout: .percentage(50, of: "new", bucketBy: "email"))
        let evaluator = FlagFixtures.evaluator(flag)
        let tenant = FlagFixtures.tenant()
        let answers = (0..<2_000).map {
            evaluator.evaluate("layout", context: EvaluationContext(tenant: tenant, attributes: ["email": .string("user\($0)@acme.com")])).variant
        }
        #expect(abs(share("new", of: answers) - 0.5) <= 0.04)
        // Numbers bucket by their JSON spelling.
        let numeric = evaluator.evaluate("layout", context: EvaluationContext(attributes: ["email": 42]))
        let expected = FlagBucketing.bucket(flagKey: "layout", value: "42", totalWeight: 100) < 50 ? "new" : "old"
        #expect(numeric.variant == expected)
    }
}
