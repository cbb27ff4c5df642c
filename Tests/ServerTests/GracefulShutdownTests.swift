import Foundation
import HTTPTestSupport
import Provisioning
import RuntimeTestSupport
import Synchronization
import TestSupport
import Testing

@Suite("Graceful shutdown of tenantry serve under load")
struct GracefulShutdownTests {
    /// One signup request as a client saw it.
    private struct Attempt: Sendable {
        let idempotencyKey: String
        let sentBeforeSignal: Bool
        /// The tenant id of a 202; nil when the request was refused or never answered.
        let acknowledgedTenant: UUID?
        let answeredAfterSignal: Bool
    }

    @Test("an open OFREP event stream ends when the server shuts down gracefully, well before the shutdown deadline, and the process exits 0")
    func eventStreamEndsAtShutdown() async throws {
        try await withTestRuntime { runtime, database in
            let created = try await runtime.tenants.create(
                SignupRequest(email: "ops@stream.example", organization: "Stream \(UUID().uuidString.prefix(6))"), actor: "test"
            )
            let apiKey = try #require(created.apiKey?.secret)
            let serving = try await ServeProcess.start(databaseURL: database.administratorConnectionString)
            let server = serving.process
            let stream = try await EventStreamClient.open(serving.url + "/ofrep/v1/event-stream", headers: [("Authorization", "Bearer \(apiKey)")])
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(try await stream.next()?.fields["retry"] == "1000")

            server.interrupt()
            // The server allows 20 s for a graceful shutdown; a stream that only ended when that
            // ran out would miss this deadline.
            #expect(try await stream.next(where: { _ in false }, timeout: .seconds(10)) == nil)
            let stopped = try await server.finish()
            #expect(stopped.status == 0, "\(stopped.standardError)")
        }
    }

    @Test("SIGTERM while signups stream in: exit 0, and every acknowledged signup is registered once and fully provisioned")
    func noAcknowledgedSignupIsLost() async throws {
        try await withTestRuntime { runtime, database in
            let serving = try await ServeProcess.start(databaseURL: database.administratorConnectionString)
            let (server, port) = (serving.process, serving.port)

            let load = LoadState()
            let clients = 6
            // Each client sends signups back to back until the server stops answering; the signal
            // goes out once a few have been acknowledged, so requests are in flight when it lands.
            let attempts = try await withThrowingTaskGroup(of: [Attempt].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        let http = HTTPTestClient(host: "127.0.0.1", port: port)
                        var attempts: [Attempt] = []
                        for sequence in 0..<200 {
                            let key = "shutdown-\(client)-\(sequence)-\(UUID().uuidString.prefix(8))"
                            let before = load.signalled.withLock { !$0 }
                            let body = #"{"email":"owner\#(client)x\#(sequence)@shutdown.example","organization":"Shutdown \#(client) \#(sequence)"}"#
                            let response = try? await http.send(
                                .POST, "/v1/signup",
                                headers: [("Content-Type", "application/json"), ("Idempotency-Key", key)],
                                body: Array(body.utf8))
                            let after = load.signalled.withLock { $0 }
                            let tenant = response.flatMap { $0.status == 202 ? $0.jsonObject?["tenantId"] as? String : nil }
                                .flatMap(UUID.init(uuidString:))
                            if tenant != nil { load.acknowledged.add(1, ordering: .relaxed) }
                            attempts.append(Attempt(idempotencyKey: key, sentBeforeSignal: before, acknowledgedTenant: tenant, answeredAfterSignal: after))
                            // Refused, or no answer: the server is going away; stop this client.
                            if response == nil || response?.status == 503 { break }
                        }
                        return attempts
                    }
                }
                group.addTask {
                    try await waitUntil("signups are being acknowledged") {
                        load.acknowledged.load(ordering: .relaxed) >= 2 * clients
                    }
                    load.signalled.withLock { $0 = true }
                    server.signal(SIGTERM)
                    return []
                }
                var all: [Attempt] = []
                for try await attempts in group { all += attempts }
                return all
            }

            let stopped = try await server.finish(timeout: .seconds(60))
            #expect(stopped.status == 0, "graceful shutdown exits 0: \(stopped.standardError.suffix(2000))")

            let inFlight = attempts.filter { $0.sentBeforeSignal && $0.answeredAfterSignal }
            #expect(!inFlight.isEmpty, "some requests were in flight when SIGTERM landed, so the drain was exercised")
            let acknowledgedTenants = attempts.compactMap(\.acknowledgedTenant)
            #expect(acknowledgedTenants.count >= 2 * clients)
            #expect(Set(acknowledgedTenants).count == acknowledgedTenants.count, "one tenant per idempotency key")

            // Read from the event store after the process is gone: what it acknowledged is there,
            // and its in-flight provisioning was drained to the end, not left half done.
            for tenantID in acknowledgedTenants {
                let tenant = try await runtime.tenants.lifecycle.load(tenantID)
                #expect(tenant?.status == .active, "acknowledged tenant \(tenantID) is \(tenant.map { "\($0.status)" } ?? "missing")")
                #expect(tenant?.apiKeys.count == 1, "its first key, issued once")
            }
        }
    }
}

/// What the load's clients and the signaller share.
private final class LoadState: Sendable {
    let signalled = Mutex(false)
    let acknowledged = Atomic<Int>(0)
}
