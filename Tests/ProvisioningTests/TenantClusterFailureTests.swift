import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenancy
import Tenantry
import TestSupport
import Testing

@Suite("Provisioning a dedicated tenant whose cluster cannot be reached")
struct TenantClusterFailureTests {
    @Test("a cluster out of reach fails allocateStorage with the reason; the drop is owed, done once the cluster is back, and a retry makes the tenant active")
    func unreachableClusterFailsThenRetries() async throws {
        let door = try await TenantClusterDoor.create()
        try await door.refuseConnections(true)
        var dedicated: [String] = []
        do {
            try await withTestRuntime { runtime, _ async throws in
                let outcome = try await runtime.tenants.create(
                    SignupRequest(
                        email: "it@far.example", organization: "Far Bank \(UUID().uuidString.prefix(6))", plan: .enterprise, clusterURL: door.url
                    ),
                    actor: "test"
                )
                let tenant = outcome.tenant
                let database = try #require(DedicatedDatabaseName.forSlug(tenant.slug))
                dedicated.append(database)
                #expect(tenant.status == .failed)
                #expect(tenant.failureReason?.hasPrefix("allocateStorage: the tenant's cluster could not be reached") == true, "\(tenant.failureReason ?? "")")
                #expect(tenant.compensationsOwed == [.allocateStorage], "the drop on the cluster out of reach is owed")
                #expect(outcome.apiKey == nil)

                // The runner, the cluster still away: no error, its checkpoint moves past the
                // tenant, which stays failed and owing.
                let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
                _ = try await manager.runPending()
                let last = try #require(try await runtime.tenants.lifecycle.history(tenant.id).last)
                let checkpoint = try await CheckpointStore(pool: runtime.operatorPool).load(ProvisioningProcessManager.checkpointName)
                #expect(checkpoint.map { $0 >= last.cursor } == true)
                #expect(try await runtime.tenants.lifecycle.load(tenant.id)?.compensationsOwed == [.allocateStorage])

                // The cluster back: the sweep does what was owed, and records it.
                try await door.refuseConnections(false)
                #expect(try await manager.sweep() == 1)
                let settled = try #require(try await runtime.tenants.lifecycle.load(tenant.id))
                #expect(settled.status == .failed)
                #expect(settled.compensationsOwed.isEmpty)
                let types = try await runtime.tenants.lifecycle.history(tenant.id).map(\.type)
                #expect(Array(types.suffix(2)) == ["TenantProvisioningFailed", "ProvisioningStepCompensated"])
                #expect(try await manager.sweep() == 0)

                // The operator retries: active, in a database of its own on that cluster, with
                // the same slug and a first key shown to the operator.
                let retried = try await runtime.tenants.retry(tenant.slug, reason: "cluster reachable again", actor: "test")
                #expect(retried.tenant.status == .active)
                #expect(retried.tenant.slug == tenant.slug)
                #expect(retried.apiKey != nil)
                #expect(retried.tenant.failureReason == nil)
                #expect(try await TenantClusterDoor.exists(database))
                #expect(try await runtime.tenants.placements.placement(of: tenant.id) == .dedicated(database: database, clusterURL: door.url))
                let retriedEvent = try #require(try await runtime.tenants.lifecycle.history(tenant.id).first { $0.type == "TenantProvisioningRetried" })
                #expect(retriedEvent.metadata.reason == "cluster reachable again")
                #expect(try await runtime.tenants.list(state: "active", plan: nil).map(\.id) == [tenant.id])

                // Only a failed tenant is retried.
                await #expect(throws: TenantLifecycleError.illegalTransition(slug: tenant.slug, from: .active, action: "retry the provisioning of")) {
                    try await runtime.tenants.retry(tenant.slug, reason: nil, actor: "test")
                }
            }
        } catch {
            try? await door.drop(alongWith: dedicated)
            throw error
        }
        try await door.drop(alongWith: dedicated)
    }

    @Test("a cluster URL where nothing listens ends failed, never provisioning; the live runner's checkpoint moves past it and the next tenant is provisioned")
    func unreachableClusterDoesNotStopTheRunner() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
            let running = Task { try await manager.run() }
            defer { running.cancel() }
            // Registered only: the runner provisions them, in the order of the feed.
            let doomed = try await runtime.tenants.lifecycle.register(
                SignupRequest(
                    email: "it@nowhere.example", organization: "Nowhere \(UUID().uuidString.prefix(6))", plan: .enterprise,
                    clusterURL: "postgresql://127.0.0.1:1/x"
                ),
                actor: "test"
            ).tenant
            let next = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "ops@next.example", organization: "Next \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            try await waitUntil("the unreachable tenant failed and the next is active") {
                let states = try await [runtime.tenants.lifecycle.load(doomed.id)?.status, runtime.tenants.lifecycle.load(next.id)?.status]
                return states == [.failed, .active]
            }
            let failed = try #require(try await runtime.tenants.lifecycle.load(doomed.id))
            #expect(failed.failureReason?.hasPrefix("allocateStorage: the tenant's cluster could not be reached") == true, "\(failed.failureReason ?? "")")
            try await waitUntil("the runner's checkpoint covers both tenants") {
                let checkpoint = try await CheckpointStore(pool: runtime.operatorPool).load(ProvisioningProcessManager.checkpointName)
                let last = try await runtime.tenants.lifecycle.history(next.id).last
                return checkpoint != nil && last != nil && checkpoint! >= last!.cursor
            }
            running.cancel()
            _ = try? await running.value
        }
    }

    @Test("a cluster URL must be a libpq URL naming a host and a database, without a password")
    func clusterURLValidation() {
        let refused = [
            "", "   ", "host=db.example dbname=x", "postgresql:///x", "postgresql://db.example", "https://db.example/x",
            "postgresql://admin:secret@db.example/x", " postgresql://db.example/x",
        ]
        for url in refused {
            #expect(SignupRequest.clusterURLProblem(url) != nil, "\(url) was accepted")
            let request = SignupRequest(email: "it@bank.example", organization: "Bank", plan: .enterprise, clusterURL: url)
            #expect(throws: TenantLifecycleError.self, "\(url)") { try request.validate() }
        }
        #expect(SignupRequest.clusterURLProblem("") == "the cluster URL is empty: give a libpq URL naming a host and a database, e.g. postgresql://admin@db.example:5432/postgres")
        for url in ["postgresql://admin@db.example:5432/postgres", "postgres://10.0.0.7/tenants", "postgresql://127.0.0.1:1/x"] {
            #expect(SignupRequest.clusterURLProblem(url) == nil, "\(url) was refused")
        }
    }
}
