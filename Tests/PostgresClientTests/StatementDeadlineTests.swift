import Foundation
@testable import PostgresClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Statements have a deadline and honour cancellation")
struct StatementDeadlineTests {
    @Test("a statement past its deadline is cancelled on the server, fails as timedOut, and the connection stays usable")
    func deadline() async throws {
        try await withTestDatabase { database async throws in
            // The cancel's path is under test, not its grace: a machine at a load of 20 took
            // more than the default 5 s to answer a cancel it had taken.
            var configuration = database.applicationConfiguration
            configuration.cancellationGrace = .seconds(60)
            try await PostgresConnection.withConnection(configuration) { connection in
                let started = ContinuousClock.now
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.query("SELECT pg_sleep(30)", timeout: .milliseconds(300))
                }
                #expect(error?.kind == .timedOut)
                #expect(error?.sqlState == .queryCanceled)
                #expect(started.duration(to: .now) < .seconds(29), "the server was not told to stop")
                let one = try await connection.query("SELECT 1").rows.first?.decode(Int.self)
                #expect(one == 1)
            }
        }
    }

    @Test("a server process that stops answering (SIGSTOP) fails the statement at its deadline plus the cancel grace, and the connection is dropped")
    func frozenServerDoesNotHang() async throws {
        try await withTestDatabase { database async throws in
            let connection = try await PostgresConnection.connect(database.applicationConfiguration)
            let backend = try await connection.backendProcessID()
            let started = ContinuousClock.now
            // Stopped only once it sleeps in pg_sleep: a backend stopped anywhere else may hold a
            // lock every other backend of the cluster needs (ProcArrayLock while it takes a
            // snapshot, a shared statistics lock while it flushes), and would freeze them all.
            // A deadline long enough that the backend is surely stopped before it passes, even
            // when finding it asleep takes seconds on a busy machine (else the cancel is answered).
            let statement = Task {
                try await connection.query("SELECT pg_sleep(3600)", timeout: .seconds(15))
            }
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await waitUntil("the backend sleeps in pg_sleep") {
                    try await admin.query("SELECT wait_event = 'PgSleep' FROM pg_stat_activity WHERE pid = \(Int(backend))")
                        .rows.first?.decode(Bool?.self) == true
                }
            }
            #expect(kill(backend, SIGSTOP) == 0)
            defer {
                kill(backend, SIGCONT)
                kill(backend, SIGTERM)
            }
            let error = await #expect(throws: PostgresError.self) { try await statement.value }
            #expect(error?.kind == .connectionLost, "\(String(describing: error))")
            #expect(started.duration(to: .now) < .seconds(60), "the wait outlasted its deadline and grace")
            #expect(await !connection.isReusable())
            await connection.close()
        }
    }

    @Test("the configuration's deadline applies when a call gives none")
    func configuredDeadline() async throws {
        try await withTestDatabase { database async throws in
            var configuration = database.applicationConfiguration
            configuration.queryTimeout = .milliseconds(300)
            try await PostgresConnection.withConnection(configuration) { connection in
                let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT pg_sleep(30)") }
                #expect(error?.kind == .timedOut)
            }
        }
    }

    @Test("cancelling the task cancels its statement on the server at once, through the pool")
    func cancellation() async throws {
        try await withTestDatabase { database async throws in
            let pool = database.applicationPool(maximumConnections: 1)
            let sleeper = Task { try await pool.query("SELECT pg_sleep(60)") }
            try await waitUntil("the sleep runs on the server") {
                try await database.activeQueries(containing: "pg_sleep(60)") == 1
            }
            let cancelled = ContinuousClock.now
            sleeper.cancel()
            // Through the pool a cancelled statement ends as cancelled Swift work does.
            await #expect(throws: CancellationError.self) { try await sleeper.value }
            // Well before the 60 s sleep would end by itself, with room for a busy machine.
            #expect(cancelled.duration(to: .now) < .seconds(45))
            #expect(try await database.activeQueries(containing: "pg_sleep(60)") == 0)
            // The connection went back to the pool in working order.
            let two = try await pool.query("SELECT 2").rows.first?.decode(Int.self)
            #expect(two == 2)
            #expect(await pool.openConnectionCount == 1)
            await pool.close()
        }
    }

    @Test("a transaction whose statement is cancelled rolls back, and COMMIT is never what is cancelled")
    func cancelledTransactionRollsBack() async throws {
        try await withTestDatabase { database async throws in
            let pool = database.applicationPool(maximumConnections: 1)
            let writer = Task {
                try await pool.transaction { connection in
                    try connection.query("CREATE TEMP TABLE cancel_probe (n int)")
                    try connection.query("SELECT pg_sleep(60)")
                }
            }
            try await waitUntil("the sleep runs on the server") {
                try await database.activeQueries(containing: "pg_sleep(60)") == 1
            }
            writer.cancel()
            // Cancelled; or, on a machine too starved for the server to answer the cancel within
            // the grace, given up as lost (the connection closed, so nothing committed either).
            do {
                try await writer.value
                Issue.record("the cancelled transaction committed")
            } catch is CancellationError {
            } catch let error as PostgresError {
                #expect(error.kind == .connectionLost, "\(error)")
            }
            // The pool has one connection: the same session, where the table would still be.
            let exists = try await pool.query("SELECT to_regclass('pg_temp.cancel_probe') IS NOT NULL").rows.first?.decode(Bool.self)
            #expect(exists == false, "the transaction's work was kept")
            await pool.close()
        }
    }

    @Test("on a connection, a cancelled statement fails as cancelled, with the server's SQLSTATE")
    func cancellationOnAConnection() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let sleeper = Task { try await connection.query("SELECT pg_sleep(60)") }
                try await waitUntil("the sleep runs on the server") {
                    try await database.activeQueries(containing: "pg_sleep(60)") == 1
                }
                sleeper.cancel()
                let error = await #expect(throws: PostgresError.self) { try await sleeper.value }
                #expect(error?.kind == .cancelled)
                #expect(error?.sqlState == .queryCanceled)
            }
        }
    }

    @Test("a statement that was not waiting long finishes even when its task is already cancelled, if it ignores cancellation")
    func cleanupRunsInCancelledTask() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let answer = try await Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await connection.query("SELECT 3, pg_sleep(0.3)", honoringCancellation: false)
                }.value
                let three = try answer.rows.first?.decode(column: 0, as: Int.self)
                #expect(three == 3)
            }
        }
    }
}
