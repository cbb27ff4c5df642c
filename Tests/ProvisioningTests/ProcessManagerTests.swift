import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
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
            let waiting = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "a@waiting.example", organization: "Waiting \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            #expect(waiting.status == .provisioning)

            let running = Task { try await manager.run() }
            try await waitUntil("the waiting tenant is active") {
                try await runtime.tenants.lifecycle.load(waiting.id)?.status == .active
            }
            // One registered while the runner is live.
            let live = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "b@live.example", organization: "Live \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            try await waitUntil("the live tenant is active") {
                try await runtime.tenants.lifecycle.load(live.id)?.status == .active
            }
            running.cancel()
            _ = try? await running.value

            for id in [waiting.id, live.id] {
                let types = try await runtime.tenants.lifecycle.history(id).map(\.type)
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
                let keys = try await runtime.tenants.lifecycle.history(outcome.tenant.id).filter { $0.type == "APIKeyIssued" }
                #expect(keys.count == 1)
            }
        }
    }

    @Test("cancelled in the middle of a batch, the runner finishes it and saves its checkpoint before it stops")
    func cancellationStopsAtACheckpoint() async throws {
        let inStep = Barrier(parties: 2)
        let release = Barrier(parties: 2)
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            guard step == .seedEntitlements else { return }
            try await inStep.arrive()
            try await release.arrive()
            // Like any cancellation-aware call inside a step (a sleep, an HTTP request): it
            // would abandon the step half-way if the runner's cancellation reached it.
            try Task.checkCancellation()
        }) { runtime, _ async throws in
            let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
            let tenant = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "a@stop.example", organization: "Stop \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            let running = Task { try await manager.run() }
            try await inStep.arrive()
            // The runner is inside the batch, in a saga step: cancel it there, then let the step go on.
            running.cancel()
            try await release.arrive()
            _ = try? await running.value

            #expect(try await runtime.tenants.lifecycle.load(tenant.id)?.status == .active, "the batch ran to its end")
            let checkpoint = try await CheckpointStore(pool: runtime.operatorPool).load(ProvisioningProcessManager.checkpointName)
            let registered = try #require(try await runtime.tenants.lifecycle.history(tenant.id).first)
            #expect(checkpoint.map { $0 >= registered.cursor } == true, "the checkpoint covers the batch")
        }
    }
}

