import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenancy
import Tenantry
import TestSupport
import Testing

struct InjectedFailure: Error, CustomStringConvertible {
    var description: String { "injected failure" }
}

@Suite("Provisioning saga")
struct SagaTests {
    @Test("a failure at each step compensates the steps done, in reverse, and leaves the tenant failed with the reason",
          arguments: ProvisioningStep.allCases)
    func compensation(_ failing: ProvisioningStep) async throws {
        let hook: ProvisioningSaga.StepHook = { step, _ in
            if step == failing { throw InjectedFailure() }
        }
        try await withTestRuntime(beforeProvisioningStep: hook) { runtime, _ async throws in
            let name = "Bank \(UUID().uuidString.prefix(8))"
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "it@bank.example", organization: name, plan: .enterprise), actor: "test"
            )
            let tenant = outcome.tenant
            #expect(tenant.status == .failed)
            #expect(tenant.failureReason == "\(failing): injected failure")
            #expect(outcome.apiKey == nil)
            #expect(tenant.completedSteps.isEmpty)
            #expect(tenant.apiKeys.isEmpty)

            #expect(tenant.compensationsOwed.isEmpty)
            let done = ProvisioningStep.allCases.prefix { $0 != failing }
            let history = try await runtime.tenants.lifecycle.history(tenant.id)
            let types = history.map(\.type)
            let compensations = try history
                .filter { $0.type == "ProvisioningStepCompensated" }
                .map { try $0.decodeData(as: TenantEvent.StepCompensated.self).step }
            // Newest first; the storage (also a half-made one, when allocateStorage failed) is
            // undone last, once the failure is recorded.
            #expect(compensations == done.reversed().filter { $0 != .allocateStorage } + [.allocateStorage])
            let failure = try #require(history.first { $0.type == "TenantProvisioningFailed" })
            #expect(try failure.decodeData(as: TenantEvent.ProvisioningFailed.self).compensationsOwed == [.allocateStorage])
            #expect(types.last == "ProvisioningStepCompensated", "the owed compensation follows the recorded failure")
            #expect(types.contains("APIKeyRevoked") == done.contains(.issueAPIKey))

            // The dedicated database and the placement are gone.
            let database = try #require(DedicatedDatabaseName.forSlug(tenant.slug))
            let exists = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(database)").rows.first?.decode(Int.self)
            }
            #expect(exists == 0)
            #expect(try await runtime.tenants.placements.placement(of: tenant.id) == .pooled(cell: .main))
            #expect(try await runtime.tenants.list(state: "failed", plan: nil).map(\.id) == [tenant.id])
        }
    }

    @Test("200 signups from 8 concurrent clients: 200 active tenants, unique slugs, no duplicate events")
    func concurrentSignups() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let names = (0..<10).map { "Initech \($0 % 4)" }
            let clients = 8
            let perClient = 25
            let ids = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var ids: [UUID] = []
                        for n in 0..<perClient {
                            let request = SignupRequest(
                                email: "c\(client)n\(n)@initech.example", organization: names[(client + n) % names.count],
                                idempotencyKey: "c\(client)-n\(n)"
                            )
                            ids.append(try await runtime.tenants.create(request, actor: "test").tenant.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(Set(ids).count == clients * perClient)
            let listed = try await runtime.tenants.list(state: nil, plan: nil)
            #expect(listed.count == clients * perClient)
            #expect(Set(listed.map(\.slug)).count == listed.count)
            #expect(listed.allSatisfy { $0.state == "active" })
            for id in ids.prefix(20) {
                let types = try await runtime.tenants.lifecycle.history(id).map(\.type)
                #expect(types.filter { $0 == "TenantRegistered" }.count == 1)
                #expect(types.filter { $0 == "APIKeyIssued" }.count == 1)
                #expect(types.filter { $0 == "TenantProvisioned" }.count == 1)
            }
            let claims = try await runtime.operatorPool.query(
                "SELECT count(*) FROM tenantry.events WHERE event_type = 'SlugClaimed'"
            ).rows.first?.decode(Int.self)
            #expect(claims == clients * perClient)
        }
    }
}

@Suite("Provisioning saga, concurrently")
struct ConcurrentSagaTests {
    @Test("two runners on one tenant at once: it ends active with each step, and its key, recorded once")
    func twoRunnersOneTenant() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let tenant = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "a@race.example", organization: "Race \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            let saga = runtime.tenants.saga
            async let first = saga.run(tenant.id)
            async let second = saga.run(tenant.id)
            let outcomes = try await [first, second]
            #expect(outcomes.allSatisfy { $0.tenant.status == .active })
            #expect(outcomes.compactMap(\.apiKey).count == 1)
            let types = try await runtime.tenants.lifecycle.history(tenant.id).map(\.type)
            #expect(types.filter { $0 == "ProvisioningStepCompleted" }.count == 3)
            #expect(types.filter { $0 == "APIKeyIssued" }.count == 1)
            #expect(types.filter { $0 == "TenantProvisioned" }.count == 1)
            #expect(!types.contains("TenantProvisioningFailed"))
        }
    }

    @Test("two runners racing on one tenant, the second waiting on the lock while the first is inside a step: each step runs once")
    func racingRunnersRunEachStepOnce() async throws {
        let calls = HookCalls()
        let inStep = Barrier(parties: 2)
        let release = Barrier(parties: 2)
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            // The first runner stops inside its first step until the second is seen waiting.
            if await calls.count(step) == 1, step == .allocateStorage {
                try await inStep.arrive()
                try await release.arrive()
            }
        }) { runtime, database async throws in
            let tenant = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "a@lockrace.example", organization: "Lock race \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            let saga = runtime.tenants.saga
            let first = Task { try await saga.run(tenant.id) }
            try await inStep.arrive()
            let second = Task { try await saga.run(tenant.id) }
            // The race, for real: the second runner is blocked on the tenant's lock while the
            // first holds it inside a step.
            try await waitUntil("the second runner waits for the tenant's lock") {
                try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                    try await connection.query("""
                        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                        WHERE d.datname = \(database.name) AND l.locktype = 'advisory' AND l.classid = 727275 AND NOT l.granted
                        """).rows.first?.decode(Int.self) == 1
                }
            }
            try await release.arrive()
            let outcomes = [try await first.value, try await second.value]
            #expect(outcomes.allSatisfy { $0.tenant.status == .active })
            #expect(outcomes.compactMap(\.apiKey).count == 1)
            for step in ProvisioningStep.allCases {
                let runs = await calls.calls(of: step)
                #expect(runs == 1, "\(step) ran \(runs) times")
            }
            let types = try await runtime.tenants.lifecycle.history(tenant.id).map(\.type)
            #expect(types.filter { $0 == "ProvisioningStepCompleted" }.count == 3)
            #expect(types.filter { $0 == "APIKeyIssued" }.count == 1)
            #expect(types.filter { $0 == "TenantProvisioned" }.count == 1)
        }
    }

    @Test("a cluster URL carrying a password is refused before anything is recorded")
    func clusterURLWithoutSecrets() throws {
        let request = SignupRequest(
            email: "it@bank.example", organization: "Bank", plan: .enterprise,
            clusterURL: "postgresql://postgres:hunter2@db.example/postgres"
        )
        let error = #expect(throws: TenantLifecycleError.self) { try request.validate() }
        #expect(error?.description.contains("must not contain a password") == true)
        let fine = SignupRequest(email: "it@bank.example", organization: "Bank", plan: .enterprise, clusterURL: "postgresql://postgres@db.example/postgres")
        #expect(throws: Never.self) { try fine.validate() }
    }

    @Test("an empty cluster URL (libpq's defaults, a local socket) is refused before anything is recorded")
    func emptyClusterURL() throws {
        for url in ["", "  "] {
            let request = SignupRequest(email: "it@bank.example", organization: "Bank", plan: .enterprise, clusterURL: url)
            let error = #expect(throws: TenantLifecycleError.self) { try request.validate() }
            #expect(error?.description.contains("cluster URL is empty") == true, "\(url.debugDescription)")
        }
    }
}
