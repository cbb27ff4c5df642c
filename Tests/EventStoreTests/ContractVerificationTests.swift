import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// `EventLog.verifyContract()`: every invariant holds on a sound store, and each breakage made on
/// purpose (as the superuser, past the append-only trigger) is reported by name.
@Suite("Verifying the event store's contract")
struct ContractVerificationTests {
    /// Runs `body` with a store of two tenants' streams, verified through a superuser pool.
    private func withSoundStore(_ body: (EventLog, TestDatabase) async throws -> Void) async throws {
        try await withEventStore { store, database async throws in
            let (first, second) = (UUID(), UUID())
            try await store.append([try NewEvent(type: "Opened", dataJSON: "{}")], to: "account-1", tenant: first)
            try await store.append(
                [try NewEvent(type: "Deposited", dataJSON: #"{"n":1}"#), try NewEvent(type: "Deposited", dataJSON: #"{"n":2}"#)],
                to: "account-1", tenant: first)
            try await store.append([try NewEvent(type: "Opened", dataJSON: "{}")], to: "account-2", tenant: second)
            let pool = PostgresPool(configuration: database.administratorConfiguration, maximumConnections: 1)
            do {
                try await body(EventLog(pool: pool), database)
                await pool.close()
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    /// Runs `statement` as the superuser with triggers off (the append-only trigger included).
    private func tamper(_ database: TestDatabase, _ statement: PostgresQuery) async throws {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.transaction { connection in
                try connection.query("SET LOCAL session_replication_role = replica")
                try connection.query(statement)
            }
        }
    }

    private func failures(_ checks: [ContractCheck]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: checks.compactMap { check in check.failure.map { (check.name, $0) } })
    }

    @Test("a sound store passes every check, and the feed check counts every event")
    func soundStore() async throws {
        try await withSoundStore { verifier, _ in
            var checks = try await verifier.verifyContract(pageSize: 2)
            // The feed leaves out events of transactions still running anywhere in the cluster
            // (another test's, on a shared test cluster): the count is complete once they end.
            try await waitUntil("the feed check counts every event") {
                checks = try await verifier.verifyContract(pageSize: 2)
                return checks.first { $0.name == "feed" }?.promise.contains("(4 events)") == true
            }
            #expect(checks.map(\.name) == ["stream-versions", "stream-rows", "event-ids", "feed", "checkpoints"])
            let failed = checks.filter { !$0.passed }
            #expect(failed.isEmpty, "\(checks)")
        }
    }

    @Test("a login that does not see every row fails the access check alone")
    func operatorCannotVerify() async throws {
        try await withSoundStore { _, database in
            let pool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            let checks = try await EventLog(pool: pool).verifyContract()
            await pool.close()
            #expect(checks.map(\.name) == ["access"])
            #expect(checks.first?.failure?.contains("superuser") == true)
        }
    }

    @Test("an event deleted past the trigger leaves a gap: stream-versions fails naming the stream")
    func gapInStream() async throws {
        try await withSoundStore { verifier, database in
            try await tamper(database, "DELETE FROM tenantry.events WHERE stream_name = 'account-1' AND stream_version = 2")
            let failed = failures(try await verifier.verifyContract())
            #expect(Set(failed.keys) == ["stream-versions"], "\(failed)")
            #expect(failed["stream-versions"]?.contains("stream account-1") == true)
            #expect(failed["stream-versions"]?.contains("records version 3 but has 2 events") == true, "\(failed)")
        }
    }

    @Test("a stream row removed fails stream-rows; a checkpoint ahead of the feed fails checkpoints")
    func missingStreamRowAndCheckpointAhead() async throws {
        try await withSoundStore { verifier, database in
            try await tamper(database, "DELETE FROM tenantry.streams WHERE stream_name = 'account-2'")
            try await tamper(
                database,
                "INSERT INTO tenantry.checkpoints (subscription, transaction_id, position) VALUES ('ahead', '1'::xid8, 1000000)")
            let failed = failures(try await verifier.verifyContract())
            #expect(Set(failed.keys) == ["stream-rows", "checkpoints"], "\(failed)")
            #expect(failed["stream-rows"]?.contains("stream account-2, which has no stream row") == true, "\(failed)")
            #expect(failed["checkpoints"]?.contains("checkpoint ahead") == true, "\(failed)")
        }
    }

    @Test("an event moved to a transaction id not yet handed out is never delivered: feed fails")
    func eventFromTheFuture() async throws {
        try await withSoundStore { verifier, database in
            try await tamper(database, "UPDATE tenantry.events SET transaction_id = '4000000000'::xid8 WHERE stream_name = 'account-2'")
            let failed = failures(try await verifier.verifyContract())
            #expect(Set(failed.keys) == ["feed"], "\(failed)")
            #expect(failed["feed"]?.contains("1 events carry a transaction id not yet handed out") == true, "\(failed)")
        }
    }
}
