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
}
