import PostgresClient
import TestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    @Test("the pool never opens more than its maximum; a caller beyond it times out clearly")
    func boundedWithTimeout() async throws {
        try await withTestDatabase { database async throws in
            let pool = PostgresPool(
                configuration: database.applicationConfiguration, maximumConnections: 2, checkoutTimeout: .milliseconds(200)
            )
            let first = try await pool.checkout()
            let second = try await pool.checkout()
            #expect(await pool.openConnectionCount == 2)
            let error = await #expect(throws: PostgresError.self) { _ = try await pool.checkout() }
            #expect(error?.kind == .poolExhausted)
            #expect(await pool.openConnectionCount == 2)
            await pool.checkin(first)
            await pool.checkin(second)
            await pool.close()
        }
    }

    @Test("a waiting caller gets the connection another caller gives back")
    func waiterGetsReturnedConnection() async throws {
        try await withTestDatabase { database async throws in
            let pool = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 1)
            let held = try await pool.checkout()
            let waiter = Task { try await pool.query("SELECT 'served'").rows.first?.decode(String.self) }
            try await waitUntil("the second caller is waiting") { await pool.waitingCount == 1 }
            await pool.checkin(held)
            #expect(try await waiter.value == "served")
            #expect(await pool.openConnectionCount == 1)
            await pool.close()
        }
    }

    @Test("a connection whose backend was terminated is replaced on checkout, not handed out")
    func healthCheckReplacesDeadConnection() async throws {
        try await withTestDatabase { database async throws in
            let pool = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 1)
            let pid = try await pool.withConnection { try $0.backendProcessID() }
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT pg_terminate_backend(\(Int(pid)))")
            }
            try await waitUntil("the terminated backend is gone") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                    try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(Int(pid))")
                        .rows.first?.decode(Int.self) == 0
                }
            }
            let newPID = try await pool.withConnection { try $0.backendProcessID() }
            #expect(newPID != pid)
            await pool.close()
        }
    }
}
