import EventStore
import Foundation
import PostgresClient
import Provisioning
import Synchronization
import TestSupport
import Testing

@Suite("Self-serve signups while the database's connections are cut")
struct SignupConnectionLossTests {
    @Test("POST /v1/signup while every client backend is terminated again and again: each acknowledged (202) signup ends active, none failed")
    func acknowledgedSignupsEndActive() async throws {
        try await withTestServer(tenants: []) { server in
            let database = try #require(try server.runtime.operatorPool.configuration.value(of: "dbname"))
            let terminations = TerminationCount()
            let terminator = Task {
                try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                    terminations.connected()
                    while !Task.isCancelled {
                        let terminated = try await connection.query("""
                            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
                            WHERE datname = \(database) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                            """).rows.first?.decode(Int.self) ?? 0
                        terminations.add(terminated)
                        // Pacing between rounds, not synchronisation: a signup (admission,
                        // registration) needs a few round trips between two rounds.
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            defer { terminator.cancel() }
            // The signups start once the terminator can cut, and go on past their first eight
            // until it has cut something: on a loaded machine the terminator may be slow to connect.
            try await waitUntil("the terminator is connected") { terminations.isConnected }
            let accepted = try await withThrowingTaskGroup(of: [SignupAcknowledged].self) { group in
                for client in 0..<3 {
                    group.addTask {
                        var acknowledged: [SignupAcknowledged] = []
                        let racing = ContinuousClock.now + .conditionDeadline
                        var n = 0
                        while n < 8 || (terminations.total == 0 && ContinuousClock.now < racing) {
                            defer { n += 1 }
                            // Anything but 202 (a registration cut off) was not acknowledged: the
                            // client sends it again with its key, as after any 5xx, until a
                            // deadline (a loaded machine loses many rounds to the terminator).
                            let deadline = ContinuousClock.now + .seconds(60)
                            while ContinuousClock.now < deadline {
                                let response = try await server.signup(
                                    email: "c\(client)n\(n)@cut.example", organization: "Cut \(client) \(n)", idempotencyKey: "cut-\(client)-\(n)"
                                )
                                if response.status == 202 {
                                    // A retry of a registration whose first answer was cut off is 202 without
                                    // the claim (it went with that lost answer).
                                    acknowledged.append(try SignupAcknowledged(response))
                                    break
                                }
                                // A registration cut off is 503 database-unavailable, never a 500.
                                #expect(response.status == 503, "\(response.text)")
                                #expect(
                                    response.jsonObject?["type"] as? String == "https://tenantry.dev/problems/database-unavailable",
                                    "\(response.text)"
                                )
                            }
                        }
                        return acknowledged
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(!accepted.isEmpty, "no signup was acknowledged")

            // The terminations go on while the acknowledged signups are provisioned.
            var statuses: [String: TenantStatus] = [:]
            try await waitUntil("every acknowledged signup is provisioned") {
                for signup in accepted where statuses[signup.slug] == nil {
                    let id = try #require(UUID(uuidString: signup.tenantID))
                    do {
                        if let status = try await server.runtime.tenants.lifecycle.load(id)?.status, status != .provisioning {
                            statuses[signup.slug] = status
                        }
                    } catch where PostgresError(underlying: error)?.isDatabaseUnavailable == true {
                        return false
                    }
                }
                return statuses.count == accepted.count
            }
            terminator.cancel()
            // A round cut short by the cancellation may throw; what it had counted stays counted.
            _ = await terminator.result
            #expect(terminations.total > 0, "no backend was terminated: the test raced nothing")
            for signup in accepted {
                let status = statuses[signup.slug]
                #expect(status == .active, "\(signup.slug) was acknowledged and ended \(String(describing: status))")
            }
        }
    }
}

/// What the terminator has done, shared with the signing-up clients.
private final class TerminationCount: Sendable {
    private let state = Mutex((connected: false, total: 0))

    var isConnected: Bool { state.withLock { $0.connected } }
    var total: Int { state.withLock { $0.total } }

    func connected() { state.withLock { $0.connected = true } }
    func add(_ terminated: Int) { state.withLock { $0.total += terminated } }
}
