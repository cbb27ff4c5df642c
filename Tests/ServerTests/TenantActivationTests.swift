import EventStore
import FeatureFlags
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TenantryServer
import TestSupport
import Testing

@Suite("Activation over OFREP: the first successful evaluation records TenantActivated once")
struct TenantActivationTests {
    @Test("sixteen concurrent first evaluations: exactly one TenantActivated, shown by GET /v1/tenant")
    func concurrentFirstEvaluations() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            try await server.define(Flag(key: FlagKey("beta"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        index.isMultiple(of: 2)
                            ? try await server.evaluate("beta", apiKey: server.apiKey, label: "activation \(index)").status
                            : try await server.evaluateAll(apiKey: server.apiKey, label: "activation bulk \(index)").status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            try await server.waitForTenant(tenant.id, "activated") { $0.activatedAt != nil }
            // Evaluations after the activation is known change nothing either.
            #expect(try await server.evaluate("beta", apiKey: server.apiKey, label: "after activation").status == 200)

            let activations = try await server.runtime.tenants.lifecycle.history(tenant.id).filter { $0.type == "TenantActivated" }
            #expect(activations.count == 1)
            let keyID = try #require(tenant.apiKeys.keys.first)
            #expect(try activations.first?.decodeData(as: TenantEvent.Activated.self).keyId == keyID)

            let shown = try #require(try await TenantAPIClient(server).get("/v1/tenant", key: server.apiKey).jsonObject)
            #expect(shown["activatedAt"] is String)
            let onboarding = try #require(shown["onboarding"] as? [[String: Any]])
            #expect(onboarding.first { $0["id"] as? String == "first-flag-evaluated" }?["done"] as? Bool == true)
        }
    }

    @Test("a failed evaluation does not activate; the first successful one does, with the key it used")
    func failedEvaluationDoesNotActivate() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            try await server.define(Flag(key: FlagKey("beta"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            let second = try await TenantAPIClient(server).createKey(label: "second", key: server.apiKey)
            #expect(try await server.evaluate("missing", apiKey: server.apiKey, label: "flag not found").status == 404)
            #expect(try await server.evaluate("beta", body: "[]", apiKey: server.apiKey, label: "parse error").status == 400)
            #expect(try await server.evaluate("beta", apiKey: second.secret, label: "first success").status == 200)
            try await server.waitForTenant(tenant.id, "activated") { $0.activatedAt != nil }
            let state = try #require(server.views.directory.state.tenant(tenant.id))
            #expect(state.activationKeyID?.uuidString.lowercased() == second.id)
        }
    }

    @Test("the signal yields a tenant once however many evaluations race, again only after forget, never for an activated tenant")
    func signalDedupes() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "owner@signal.example", organization: "Signal \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let key = try #require(outcome.apiKey)
            let signal = ActivationSignal()
            // All sixteen arrive before any signals, so they race for the one insert.
            let barrier = SignalBarrier(parties: 16)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        await barrier.arrive()
                        signal.evaluated(by: outcome.tenant, keyID: key.id)
                    }
                }
            }
            signal.forget(outcome.tenant.id)
            signal.evaluated(by: outcome.tenant, keyID: key.id)
            let activated = try await runtime.tenants.lifecycle.recordActivation(outcome.tenant.id, keyID: key.id, at: Date())
            signal.forget(outcome.tenant.id)
            signal.evaluated(by: activated, keyID: key.id)
            signal.finish()
            var yielded: [ActivationSignal.Activation] = []
            for await activation in signal.activations { yielded.append(activation) }
            #expect(yielded.count == 2)
            #expect(yielded.allSatisfy { $0.tenantID == outcome.tenant.id && $0.keyID == key.id })
        }
    }
}

/// Holds each arriving task until `parties` have arrived.
actor SignalBarrier {
    let parties: Int
    private var arrivals = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) {
        self.parties = parties
    }

    func arrive() async {
        arrivals += 1
        if arrivals >= parties {
            for continuation in waiting { continuation.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
