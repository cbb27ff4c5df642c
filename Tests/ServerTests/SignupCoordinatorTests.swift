import Foundation
import HTTPTestSupport
import Hummingbird
import Logging
import Provisioning
import RuntimeTestSupport
import TenantryServer
import TestSupport
import Testing

@Suite("Signup coordinator: failed provisioning, expiry, draining at shutdown")
struct SignupCoordinatorTests {
    struct StepFailed: Error, CustomStringConvertible {
        var description: String { "storage is on fire" }
    }

    static func request(_ name: String) throws -> SignupRequest {
        try SignupForm(email: "ops@coordinator.example", organization: "\(name) \(UUID().uuidString.prefix(6))").signupRequest(idempotencyKey: nil)
    }

    @Test("a step that fails: the signup reports failed with the reason, every step undone, and no key")
    func failedProvisioning() async throws {
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            if step == .seedEntitlements { throw StepFailed() }
        }) { runtime, _ in
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore)
            )
            let (ticket, status) = try await coordinator.start(try Self.request("Doomed"), idempotencyKey: nil)
            #expect(status == "provisioning")
            await coordinator.drain()
            let claim = try #require(ticket.claimToken)
            let progress = try #require(await coordinator.progress(of: ticket.tenantID, claimToken: claim, revealingKey: true))
            #expect(progress.status == "failed")
            #expect(progress.failureReason?.contains("storage is on fire") == true)
            #expect(progress.failureReason?.hasPrefix("seedEntitlements") == true)
            #expect(progress.steps.allSatisfy { !$0.done })
            #expect(progress.apiKey == nil)
            #expect(!progress.apiKeyShown)
            #expect(!progress.apiKeyUnavailable)
        }
    }

    @Test("drain waits for the runs in flight and starts no more (503)")
    func drain() async throws {
        try await withTestRuntime { runtime, _ in
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore)
            )
            let (ticket, _) = try await coordinator.start(try Self.request("Draining"), idempotencyKey: nil)
            await coordinator.drain()
            #expect(await coordinator.runningCount == 0)
            // The run finished: the tenant is active in its events, and its key is waiting to be shown.
            #expect(try await runtime.tenants.lifecycle.load(ticket.tenantID)?.status == .active)
            let progress = await coordinator.progress(of: ticket.tenantID, claimToken: try #require(ticket.claimToken), revealingKey: true)
            #expect(progress?.status == "active")
            #expect(progress?.apiKey?.hasPrefix("tnt_") == true)
            await #expect(throws: ProblemDetails.self) {
                _ = try await coordinator.start(try Self.request("Too late"), idempotencyKey: nil)
            }
        }
    }

    @Test("an expired signup is forgotten: its status is not found, and an idempotent retry (another process) gets the same tenant without a claim")
    func expiry() async throws {
        try await withTestRuntime { runtime, _ in
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore),
                lifetime: .zero
            )
            let key = try #require(IdempotencyKey(UUID().uuidString))
            let form = SignupForm(email: "ops@coordinator.example", organization: "Fleeting \(UUID().uuidString.prefix(6))")
            let (ticket, _) = try await coordinator.start(try form.signupRequest(idempotencyKey: key), idempotencyKey: key)
            await coordinator.drain()
            let claim = try #require(ticket.claimToken)
            #expect(await coordinator.progress(of: ticket.tenantID, claimToken: claim, revealingKey: true) == nil)

            let retrying = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore)
            )
            let (again, status) = try await retrying.start(try form.signupRequest(idempotencyKey: key), idempotencyKey: key)
            await retrying.drain()
            #expect(again.tenantID == ticket.tenantID)
            #expect(again.claimToken == nil, "the registry had this signup: its claim went with the first answer")
            #expect(["provisioning", "active"].contains(status))
            #expect(await retrying.progress(of: again.tenantID, claimToken: claim, revealingKey: true) == nil)
        }
    }

    @Test("a retry that outlived its signup in the same process gets the tenant but no claim, and the expired claim stays dead")
    func retryAfterExpiryInTheSameProcess() async throws {
        try await withTestRuntime { runtime, _ in
            let clock = MovableClock()
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore),
                lifetime: .seconds(60), purgeInterval: .seconds(3600), now: clock.now
            )
            let key = try #require(IdempotencyKey(UUID().uuidString))
            let form = SignupForm(email: "ops@coordinator.example", organization: "Returning \(UUID().uuidString.prefix(6))")
            let (first, _) = try await coordinator.start(try form.signupRequest(idempotencyKey: key), idempotencyKey: key)
            let firstClaim = try #require(first.claimToken)
            try await waitUntil("the first run ended") { await coordinator.runningCount == 0 }
            #expect(await coordinator.progress(of: first.tenantID, claimToken: firstClaim, revealingKey: false) != nil)

            // Past the lifetime, not past the next purge: the expired entry is still held.
            clock.advance(by: .seconds(61))
            #expect(await coordinator.progress(of: first.tenantID, claimToken: firstClaim, revealingKey: false) == nil)
            #expect(await coordinator.entryCount.signups == 1)

            let (again, status) = try await coordinator.start(try form.signupRequest(idempotencyKey: key), idempotencyKey: key)
            try await waitUntil("the retry's run ended") { await coordinator.runningCount == 0 }
            #expect(again.tenantID == first.tenantID)
            #expect(again.claimToken == nil, "the claim was handed out with the first answer only")
            #expect(["provisioning", "active"].contains(status))
            #expect(await coordinator.progress(of: first.tenantID, claimToken: firstClaim, revealingKey: false) == nil)
        }
    }

    @Test("a replayed idempotency key, while the first signup is kept, concurrent or later: the same tenant, never the claim")
    func replayGetsNoClaim() async throws {
        try await withTestRuntime { runtime, _ in
            let coordinator = SignupCoordinator(saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore))
            let key = try #require(IdempotencyKey(UUID().uuidString))
            let form = SignupForm(email: "ops@replay.example", organization: "Replay \(UUID().uuidString.prefix(6))")
            let request = try form.signupRequest(idempotencyKey: key)
            // Eight racing requests with one key: exactly one answer carries a claim.
            let tickets = try await withThrowingTaskGroup(of: SignupTicket.self) { group in
                for _ in 0..<8 { group.addTask { try await coordinator.start(request, idempotencyKey: key).ticket } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(tickets.map(\.tenantID)).count == 1)
            #expect(tickets.compactMap(\.claimToken).count == 1)
            try await waitUntil("the run ended") { await coordinator.runningCount == 0 }
            let later = try await coordinator.start(request, idempotencyKey: key).ticket
            #expect(later.claimToken == nil)
            #expect(later.pagePath == nil)
            // The one claim still reveals the key, once.
            let claim = try #require(tickets.compactMap(\.claimToken).first)
            let progress = try #require(await coordinator.progress(of: later.tenantID, claimToken: claim, revealingKey: true))
            #expect(progress.apiKey != nil)
            await coordinator.drain()
        }
    }

    @Test("duplicates racing one signup count once against their client: the admissions of those that joined it are given back")
    func duplicatesCountOnce() async throws {
        try await withTestRuntime { runtime, _ in
            let admissions = SignupAdmissions(pool: runtime.operatorPool, policy: SignupAdmissionPolicy(perWindow: 100, unclaimed: 100))
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore), admissions: admissions
            )
            let client = try #require(SignupClient(address: "198.51.100.\(Int.random(in: 1...254))"))
            let key = try #require(IdempotencyKey(UUID().uuidString))
            let form = SignupForm(email: "ops@duplicates.example", organization: "Duplicates \(UUID().uuidString.prefix(6))")
            let request = try form.signupRequest(idempotencyKey: key)
            let tickets = try await withThrowingTaskGroup(of: SignupTicket.self) { group in
                for _ in 0..<6 { group.addTask { try await coordinator.start(request, idempotencyKey: key, client: client).ticket } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(tickets.map(\.tenantID)).count == 1)
            await coordinator.drain()
            let counted = try await runtime.operatorPool.query(
                "SELECT count(*) FROM tenantry.signup_admissions WHERE client_digest = \(client.digest)"
            ).rows.first?.decode(Int.self)
            #expect(counted == 1)
        }
    }

    @Test("above maximumEntries a new signup is 503 signup-unavailable; retries of kept signups still answer, and room comes back as entries expire")
    func entryCap() async throws {
        try await withTestRuntime { runtime, _ in
            let clock = MovableClock()
            let coordinator = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore),
                lifetime: .seconds(60), maximumEntries: 2, now: clock.now
            )
            let key = try #require(IdempotencyKey(UUID().uuidString))
            let kept = SignupForm(email: "ops@coordinator.example", organization: "Kept \(UUID().uuidString.prefix(6))")
            let (ticket, _) = try await coordinator.start(try kept.signupRequest(idempotencyKey: key), idempotencyKey: key)
            _ = try await coordinator.start(try Self.request("Second"), idempotencyKey: nil)

            do {
                _ = try await coordinator.start(try Self.request("Third"), idempotencyKey: nil)
                Issue.record("a third signup was accepted beyond the cap of two")
            } catch let problem as ProblemDetails {
                #expect(problem.typeURI == ProblemDetails.typeBase + "signup-unavailable")
                #expect(problem.status == .serviceUnavailable)
                #expect(problem.headers[.retryAfter] == "60")
            }
            // The same request again is no new entry: it is answered.
            let (retried, _) = try await coordinator.start(try kept.signupRequest(idempotencyKey: key), idempotencyKey: key)
            #expect(retried.tenantID == ticket.tenantID)
            #expect(await coordinator.entryCount.signups <= 2)
            #expect(await coordinator.entryCount.requests <= 2)

            await coordinator.drain()
            let reopened = SignupCoordinator(
                saga: runtime.tenants.saga, directory: TenantDirectory.live(store: runtime.operatorEventStore),
                lifetime: .seconds(60), maximumEntries: 1, now: clock.now
            )
            _ = try await reopened.start(try Self.request("Fourth"), idempotencyKey: nil)
            await #expect(throws: ProblemDetails.self) { _ = try await reopened.start(try Self.request("Fifth"), idempotencyKey: nil) }
            clock.advance(by: .seconds(61))
            _ = try await reopened.start(try Self.request("Sixth"), idempotencyKey: nil)
            await reopened.drain()
        }
    }

    @Test("graceful shutdown waits for a signup's provisioning in flight: the tenant is active when the server has stopped")
    func shutdownWaitsForSignups() async throws {
        let gate = Gate()
        let ended = Gate()
        try await withTestRuntime(beforeProvisioningStep: { step, _ in
            if step == .activate { await gate.wait() }
        }) { runtime, _ in
            var logger = Logger(label: "tenantry.server.test")
            logger.logLevel = .warning
            let server = APIServer(
                runtime: runtime,
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0, gracefulShutdownSignals: []),
                logger: logger
            )
            let (addresses, listening) = AsyncStream<ServerAddress>.makeStream()
            let group = server.serviceGroup { address in listening.yield(address) }
            let accepted: SignupAccepted = try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    defer { listening.finish() }
                    try await group.run()
                    await ended.open()
                }
                var iterator = addresses.makeAsyncIterator()
                let address = try #require(await iterator.next())
                let client = HTTPTestClient(host: address.host, port: address.port)
                let body = #"{"email":"ops@shutdown.example","organization":"Shutdown \#(UUID().uuidString.prefix(6))"}"#
                let accepted = try SignupAccepted(
                    try await client.send(.POST, "/v1/signup", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                )
                await group.triggerGracefulShutdown()
                do {
                    // The HTTP server has stopped: the group is past it, at the signups.
                    try await waitUntil("the HTTP server stops accepting") {
                        do {
                            _ = try await client.send(.GET, "/healthz")
                            return false
                        } catch {
                            return true
                        }
                    }
                    // Then the signups drain, and the group cannot end while the run is held.
                    try await waitUntil("the signups drain") { await server.signups.isDraining }
                    #expect(await !ended.opened)
                    #expect(try await runtime.tenants.lifecycle.load(try #require(UUID(uuidString: accepted.tenantID)))?.status == .provisioning)
                } catch {
                    // Let the held run (and so the server) finish before reporting.
                    await gate.open()
                    try? await tasks.waitForAll()
                    throw error
                }
                await gate.open()
                try await tasks.waitForAll()
                return accepted
            }
            // The group ended only after the run: the tenant is active.
            let tenant = try await runtime.tenants.lifecycle.load(try #require(UUID(uuidString: accepted.tenantID)))
            #expect(tenant?.status == .active)
            #expect(tenant?.apiKeys.count == 1)
        }
    }
}
