import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

/// Counts the calls of a step hook, so it can fail the first ones only.
actor HookCalls {
    private var calls: [ProvisioningStep: Int] = [:]

    /// Counts a call of `step`; returns how many there were, this one included.
    func count(_ step: ProvisioningStep) -> Int {
        calls[step, default: 0] += 1
        return calls[step, default: 0]
    }

    func calls(of step: ProvisioningStep) -> Int { calls[step, default: 0] }
}

/// The database away, as the layers above the client report it.
enum DatabaseAway: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case connectionLost, connectionRefusedThroughEventStore, adminShutdown

    var error: any Error {
        switch self {
        case .connectionLost:
            PostgresError(kind: .connectionLost, message: "server closed the connection unexpectedly")
        case .connectionRefusedThroughEventStore:
            EventStoreError.database(PostgresError(kind: .connectionFailed, message: "cannot connect to PostgreSQL: Connection refused"))
        case .adminShutdown:
            PostgresError(
                kind: .server, sqlState: .adminShutdown,
                message: "terminating connection due to administrator command", severity: "FATAL"
            )
        }
    }

    var testDescription: String { rawValue }
}

@Suite("Provisioning saga and a database that goes away")
struct SagaConnectionLossTests {
    @Test("a step that meets the database away is tried again, and neither compensated nor failed", arguments: DatabaseAway.allCases)
    func lostConnectionRetriesTheStep(_ away: DatabaseAway) async throws {
        let calls = HookCalls()
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            if step == .issueAPIKey, await calls.count(step) <= 2 { throw away.error }
        }) { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "ops@blip.example", organization: "Blip \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            #expect(outcome.tenant.status == .active)
            #expect(outcome.apiKey != nil)
            #expect(await calls.calls(of: .issueAPIKey) == 3)
            let types = try await runtime.tenants.lifecycle.history(outcome.tenant.id).map(\.type)
            #expect(!types.contains("ProvisioningStepCompensated"))
            #expect(!types.contains("TenantProvisioningFailed"))
            #expect(types.filter { $0 == "APIKeyIssued" }.count == 1)
        }
    }

    @Test("a step that fails by itself (a server error, not the database away) still compensates and fails the tenant")
    func stepFailureCompensates() async throws {
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            if step == .issueAPIKey {
                throw EventStoreError.database(PostgresError(kind: .server, sqlState: SQLState("42P01"), message: "relation \"nope\" does not exist"))
            }
        }) { runtime, _ async throws in
            let outcome = try await runtime.tenants.create(
                SignupRequest(email: "ops@broken.example", organization: "Broken \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            #expect(outcome.tenant.status == .failed)
            #expect(outcome.tenant.failureReason?.hasPrefix("issueAPIKey: relation \"nope\" does not exist") == true)
            let compensated = try await runtime.tenants.lifecycle.history(outcome.tenant.id)
                .filter { $0.type == "ProvisioningStepCompensated" }
                .map { try $0.decodeData(as: TenantEvent.StepCompensated.self).step }
            #expect(compensated == [.seedEntitlements, .allocateStorage])
        }
    }

    @Test("signups while every client backend of the database is terminated again and again: each acknowledged tenant ends active")
    func signupsThroughTerminatedBackends() async throws {
        try await withTestRuntime { runtime, database async throws in
            let terminator = Task {
                try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                    var terminated = 0
                    while !Task.isCancelled {
                        terminated += try await connection.query("""
                            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                            WHERE datname = \(database.name) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                            """).rows.first?.decode(Int.self) ?? 0
                        // Pacing between rounds (not synchronisation): the saga gets a moment to
                        // reconnect, and the round after cuts it off again.
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    return terminated
                }
            }
            let clients = 4
            let perClient = 6
            let outcomes = try await withThrowingTaskGroup(of: [TenantState].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        var tenants: [TenantState] = []
                        for n in 0..<perClient {
                            let request = SignupRequest(
                                email: "c\(client)n\(n)@cut.example", organization: "Cut \(client)-\(n)", idempotencyKey: "cut-\(client)-\(n)"
                            )
                            // A signup that was not acknowledged (its registration cut off) is
                            // sent again with its key, as a client does after a 503, until a
                            // deadline (a loaded machine may lose many rounds to the terminator).
                            let deadline = ContinuousClock.now + .conditionDeadline * 2
                            while true {
                                do {
                                    tenants.append(try await runtime.tenants.create(request, actor: "test").tenant)
                                    break
                                } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true && ContinuousClock.now < deadline {
                                    continue
                                }
                            }
                        }
                        return tenants
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            terminator.cancel()
            let terminated = try await terminator.value
            #expect(terminated > 0, "no backend was terminated: the test raced nothing")

            #expect(outcomes.count == clients * perClient)
            let notActive = outcomes.filter { $0.status != .active }.map { "\($0.slug): \($0.status) \($0.failureReason ?? "")" }
            #expect(notActive.isEmpty, "acknowledged but not active: \(notActive)")
            // The pools may still hold connections terminated while idle (checked without a
            // round trip): the first call on each fails. Look again until they are gone.
            var failed: [TenantSummary] = []
            var histories: [UUID: [String]] = [:]
            try await waitUntil("the registry and the histories can be read after the terminations") {
                do {
                    failed = try await runtime.tenants.list(state: "failed", plan: nil)
                    for tenant in outcomes where histories[tenant.id] == nil {
                        histories[tenant.id] = try await runtime.tenants.lifecycle.history(tenant.id).map(\.type)
                    }
                    return true
                } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true {
                    return false
                }
            }
            #expect(failed.isEmpty)
            for tenant in outcomes {
                let types = histories[tenant.id] ?? []
                #expect(!types.contains("TenantProvisioningFailed"), "\(tenant.slug)")
                #expect(types.filter { $0 == "TenantProvisioned" }.count == 1, "\(tenant.slug)")
            }
        }
    }

    @Test("the database away past the saga's retries leaves the tenant provisioning, and the runner's sweep finishes it")
    func runnerResumesAfterOutage() async throws {
        try await withTestRuntime { runtime, database async throws in
            let tenant = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "ops@outage.example", organization: "Outage \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            let base = runtime.tenants.saga
            let impatient = ProvisioningSaga(
                tenants: base.tenants, placements: base.placements, databases: base.databases,
                clusterAdministrator: base.clusterAdministrator,
                retryPolicy: ProvisioningRetryPolicy(
                    maximumAttempts: 3, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(20), deadline: .seconds(10)
                )
            )
            try await database.refuseConnections(true)
            let error = await #expect(throws: (any Error).self) { try await impatient.run(tenant.id) }
            #expect(error.flatMap { PostgresError(underlying: $0) }?.isDatabaseUnavailable == true, "\(String(describing: error))")
            try await database.refuseConnections(false)

            let paused = try #require(try await runtime.tenants.lifecycle.load(tenant.id))
            #expect(paused.status == .provisioning, "the outage is not a failure of the tenant")
            // The feed's checkpoint past the registration: only the sweep can find it now.
            let last = try #require(try await runtime.tenants.lifecycle.history(tenant.id).last)
            try await CheckpointStore(pool: runtime.operatorPool).save(ProvisioningProcessManager.checkpointName, last.cursor)

            let manager = ProvisioningProcessManager(saga: impatient)
            #expect(try await manager.sweep() == 1)
            #expect(try await runtime.tenants.lifecycle.load(tenant.id)?.status == .active)
            #expect(try await manager.sweep() == 0, "nothing left to do")
        }
    }

    @Test("the live runner rides out an outage (connections refused, then back) and provisions the tenants registered after it")
    func liveRunnerRidesOutAnOutage() async throws {
        try await withTestRuntime { runtime, database async throws in
            let manager = ProvisioningProcessManager(saga: runtime.tenants.saga)
            let running = Task { try await manager.run() }
            defer { running.cancel() }
            let before = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "a@before.example", organization: "Before \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            try await waitUntil("the first tenant is active") { try await runtime.tenants.lifecycle.load(before.id)?.status == .active }

            try await database.refuseConnections(true)
            // The runner's connections are gone and it cannot reconnect: it waits.
            try await waitUntil("the runner's connections are gone") {
                try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                    try await connection.query("SELECT count(*) FROM pg_stat_activity WHERE datname = \(database.name)").rows.first?.decode(Int.self) == 0
                }
            }
            try await database.refuseConnections(false)

            var after: TenantState?
            try await waitUntil("a tenant can be registered again") {
                do {
                    after = try await runtime.tenants.lifecycle.register(
                        SignupRequest(email: "b@after.example", organization: "After outage", idempotencyKey: "after-outage"), actor: "test"
                    ).tenant
                    return true
                } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true {
                    return false
                }
            }
            let registered = try #require(after)
            try await waitUntil("the runner provisions the tenant registered after the outage") {
                do {
                    return try await runtime.tenants.lifecycle.load(registered.id)?.status == .active
                } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true {
                    return false
                }
            }
        }
    }

    @Test("a run waiting out an outage stops as soon as its task is cancelled, leaving the tenant provisioning")
    func cancellationStopsTheRetries() async throws {
        try await withTestRuntime { runtime, database async throws in
            let tenant = try await runtime.tenants.lifecycle.register(
                SignupRequest(email: "ops@cancel.example", organization: "Cancel \(UUID().uuidString.prefix(6))"), actor: "test"
            ).tenant
            try await database.refuseConnections(true)
            let saga = runtime.tenants.saga
            // The standard policy would keep trying for a minute.
            let run = Task { try await saga.run(tenant.id) }
            let started = ContinuousClock.now
            run.cancel()
            let result = await run.result
            // Well inside the minute the policy would retry for, with room for a busy machine.
            #expect(ContinuousClock.now - started < .seconds(40), "the retries did not honour the cancellation")
            #expect(throws: CancellationError.self) { try result.get() }
            try await database.refuseConnections(false)
            try await waitUntil("the tenant can be read again") {
                do {
                    return try await runtime.tenants.lifecycle.load(tenant.id)?.status == .provisioning
                } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true {
                    return false
                }
            }
        }
    }
}
