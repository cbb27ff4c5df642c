import PostgresClient
import Synchronization
import TenantryServer
import Testing

/// A background worker outlives a database outage: a worker that threw would end its service
/// group, HTTP server included.
@Suite("Background workers ride out database outages")
struct RunUntilShutdownTests {
    struct Broken: Error {}

    @Test("an operation that fails on an outage is started again; one that fails otherwise ends the worker")
    func restartsOnOutage() async throws {
        let calls = Mutex(0)
        try await runUntilShutdown {
            let call = calls.withLock { $0 += 1; return $0 }
            if call == 1 { throw PostgresError(kind: .poolExhausted, message: "every connection is busy") }
            if call == 2 { throw PostgresError(kind: .connectionLost, message: "connection to PostgreSQL lost") }
        }
        #expect(calls.withLock { $0 } == 3)

        await #expect(throws: Broken.self) {
            try await runUntilShutdown { throw Broken() }
        }
    }

    @Test("a worker restarting on any error is started again after a failure that is no outage")
    func restartsOnAnyError() async throws {
        let calls = Mutex(0)
        try await runUntilShutdown(restartingOnAnyError: true) {
            let call = calls.withLock { $0 += 1; return $0 }
            if call == 1 { throw Broken() }
        }
        #expect(calls.withLock { $0 } == 2)
    }
}
