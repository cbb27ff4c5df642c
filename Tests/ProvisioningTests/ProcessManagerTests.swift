import EventStore
import Foundation
import Provisioning
import Tenantry
import TestSupport
import Testing

@Suite("Provisioning driven by the event feed")
struct ProcessManagerTests {
    @Test("a tenant registered while no saga ran is provisioned by the runner, live, and only once")
    func runnerProvisionsRegisteredTenants() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
            // Registered only: as if the creating process died before its saga ran.
            let waiting = try await runtime.tenants.tenants.register(
                SignupRequest(email: "a@waiting.example", organization: "Waiting \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            #expect(waiting.status == .provisioning)

            let running = Task { try await manager.run() }
            try await waitUntil("the waiting tenant is active") {
                try await runtime.tenants.tenants.load(waiting.id)?.status == .active
            }
            // One registered while the runner is live.
            let live = try await runtime.tenants.tenants.register(
                SignupRequest(email: "b@live.example", organization: "Live \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            try await waitUntil("the live tenant is active") {
                try await runtime.tenants.tenants.load(live.id)?.status == .active
            }
            running.cancel()
            _ = try? await running.value

            for id in [waiting.id, live.id] {
                let types = try await runtime.tenants.tenants.history(id).map(\.type)
                #expect(types.filter { $0 == "TenantProvisioned" }.count == 1)
                #expect(types.filter { $0 == "APIKeyIssued" }.count == 1)
            }
            // A later run finds nothing left to do.
            #expect(try await manager.runPending() == 0)
        }
    }

    @Test("a create racing a live runner still issues its key to the creator, who shows it once")
    func createBesideLiveRunnerKeepsItsKey() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
            let running = Task { try await manager.run() }
            defer { running.cancel() }
            // The runner wakes on every TenantRegistered and would provision the tenant (and
            // issue its key, which it cannot show) unless the creator holds the tenant's lock.
            for index in 0..<12 {
                let outcome = try await runtime.tenants.create(
                    SignupRequest(email: "ops\(index)@race.example", organization: "Race \(index) \(UUID().uuidString.prefix(6))"),
                    actor: "test"
                )
                #expect(outcome.tenant.status == .active)
                #expect(outcome.apiKey != nil, "tenant \(index) was provisioned by the runner: its key was never shown")
                let keys = try await runtime.tenants.tenants.history(outcome.tenant.id).filter { $0.type == "APIKeyIssued" }
                #expect(keys.count == 1)
            }
        }
    }
}
