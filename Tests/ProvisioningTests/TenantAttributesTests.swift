import FeatureFlags
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Custom tenant attributes")
struct TenantAttributesTests {
    @Test("are set and removed as events, refuse built-in names, and reach flag rules as tenant.<name>")
    func attributesReachFlagRules() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenants = runtime.tenants.lifecycle
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "ops@attrs.example", organization: "Attrs \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let id = outcome.tenant.id
            var state = try await tenants.changeAttributes(
                id, set: ["region": .string("eu"), "seats": .number(250), "legacy": .bool(true)], remove: [], actor: "operator:ann"
            )
            #expect(state.attributes == ["region": .string("eu"), "seats": .number(250), "legacy": .bool(true)])
            state = try await tenants.changeAttributes(id, set: ["seats": .number(300)], remove: ["legacy"], actor: "operator:ann")
            #expect(state.attributes == ["region": .string("eu"), "seats": .number(300)])
            // Nothing changes: nothing recorded.
            let versionBefore = state.version
            state = try await tenants.changeAttributes(id, set: ["region": .string("eu")], remove: ["absent"], actor: "operator:ann")
            #expect(state.version == versionBefore)

            await #expect(throws: TenantLifecycleError.self) {
                try await tenants.changeAttributes(id, set: ["plan": .string("enterprise")], remove: [], actor: "operator:ann")
            }
            await #expect(throws: TenantLifecycleError.self) {
                try await tenants.changeAttributes(id, set: ["bad name": .string("x")], remove: [], actor: "operator:ann")
            }
            #expect(try await tenants.history(id).filter { $0.type == "TenantAttributesChanged" }.count == 2)

            let attributes = TenantAttributes(state)
            let rule = TargetingRule(
                name: "big-eu",
                condition: .all([
                    .compare(attribute: "tenant.region", operator: .equals, value: "eu"),
                    .compare(attribute: "tenant.seats", operator: .greaterThanOrEqual, value: 300),
                ]),
                variant: "on"
            )
            let flag = Flag(
                key: try FlagKey("eu-dashboard"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                rules: [rule]
            )
            let evaluator = FlagEvaluator(catalog: FlagCatalog(flags: [flag]))
            #expect(evaluator.evaluate("eu-dashboard", context: EvaluationContext(tenant: attributes)).variant == "on")
            #expect(TenantAttributeValue(parsing: "250") == .number(250))
            #expect(TenantAttributeValue(parsing: "eu-west") == .string("eu-west"))
        }
    }
}
