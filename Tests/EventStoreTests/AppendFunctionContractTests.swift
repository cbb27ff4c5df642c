import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// What the append functions of migration 0107 promise any SQL client, beyond the checks of
/// `AppendTests`: no notification, a retry that changes nothing, the first append of a stream
/// raced by many writers, an id raced across streams, and the transaction id and category
/// recorded on both the one-event and the batch path.
@Suite("The append functions' contract, as any SQL client sees it")
struct AppendFunctionContractTests {
    static let controlPlane = "00000000-0000-0000-0000-000000000000"

    /// One event as the functions take it: a JSON array of one object.
    static func eventsJSON(_ ids: [UUID], type: String = "Counted") -> String {
        "[" + ids.map { "{\"id\": \"\($0.uuidString.lowercased())\", \"type\": \"\(type)\", \"data\": {\"n\": 1}}" }
            .joined(separator: ",") + "]"
    }

    @Test("a session listening on tenantry_events hears nothing of appends through append_events, append_control_events or append_events_as_owner")
    func appendsNotifyNobody() async throws {
        try await withTestDatabase { database async throws in
            let listener = try await PostgresConnection.connect(database.applicationConfiguration)
            try await listener.listen(EventLog.notificationChannel)
            let tenant = UUID()

            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                try await connection.query(
                    "SELECT * FROM tenantry.append_events(\(tenant), 'quiet-1', NULL, \(Self.eventsJSON([UUID()]))::jsonb)"
                )
                try await connection.query(
                    "SELECT * FROM tenantry.append_events(\(tenant), 'quiet-1', 1, \(Self.eventsJSON([UUID(), UUID()]))::jsonb)"
                )
            }
            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                try await connection.query(
                    "SELECT * FROM tenantry.append_control_events('quiet-2', NULL, \(Self.eventsJSON([UUID()]))::jsonb)"
                )
            }
            try await PostgresConnection.withConnection(database.ownerConfiguration) { connection in
                try await connection.query(
                    "SELECT * FROM tenantry.append_events_as_owner(\(tenant), 'quiet-3', NULL, \(Self.eventsJSON([UUID()]))::jsonb)"
                )
            }
            // (The Swift path calls append_events too; it then nudges other processes' feed-tip
            // watchers with a NOTIFY of its own, outside the append's transaction: by design.)

            // A marker sent after every append committed: notifications arrive in commit order,
            // so anything the appends had sent arrives before it.
            try await PostgresConnection.withConnection(database.applicationConfiguration) { sender in
                try await sender.query("SELECT pg_notify(\(EventLog.notificationChannel), 'marker')")
            }
            var received: [PostgresNotification] = []
            try await waitUntil("the marker arrived") {
                received += try await listener.notifications(timeout: .milliseconds(300))
                return received.contains { $0.payload == "marker" }
            }
            #expect(received.map(\.payload) == ["marker"])
            await listener.close()
        }
    }

    @Test("a retry whose expected version still holds returns the first result and leaves the stream row as it was")
    func retryLeavesStreamUntouched() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            let stream: StreamName = "retry-1"
            try await store.append(TestEvents.events(1...2), to: stream, tenant: tenant)
            let single = [TestEvents.event(3)]
            let batch = TestEvents.events(4...5)
            let firstSingle = try await store.append(single, to: stream, tenant: tenant)
            let firstBatch = try await store.append(batch, to: stream, tenant: tenant, expectedVersion: .streamExists)
            let before = try await Self.streamRow(stream, tenant: tenant, in: database)

            // .any and .streamExists still hold, so these retries move the stream on before
            // their insert finds the ids taken; they must put it back exactly.
            #expect(try await store.append(single, to: stream, tenant: tenant) == firstSingle)
            #expect(try await store.append(batch, to: stream, tenant: tenant, expectedVersion: .streamExists) == firstBatch)
            #expect(try await store.append(batch, to: stream, tenant: tenant, expectedVersion: .exact(3)) == firstBatch)

            #expect(try await Self.streamRow(stream, tenant: tenant, in: database) == before)
            #expect(before.version == 5)
            #expect(try await store.countAll() == 5)
        }
    }

    @Test("a partly repeated batch is refused, counting only the ids appended before")
    func partlyRepeatedBatchRefused() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let first = TestEvents.event(1)
            try await store.append([first], to: "cart-1", tenant: tenant)
            for batch in [[first, TestEvents.event(2)], [TestEvents.event(3), first]] {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append(batch, to: "cart-1", tenant: tenant)
                }
                guard case .duplicateEventID(let message) = error else { Issue.record("got \(String(describing: error))"); return }
                #expect(message.contains("1 of these 2 events"), "\(message)")
            }
            #expect(try await store.countAll() == 1)
            #expect(try await store.streamVersion("cart-1", tenant: tenant) == 1)
        }
    }

    @Test("16 writers creating one stream at once: with no-stream exactly one wins; with any, all append, versions 1…16")
    func firstAppendRace() async throws {
        let writers = 16
        try await withEventStore(maximumConnections: writers) { store, _ async throws in
            let tenant = UUID()
            let barrier = Barrier(parties: writers)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        try await barrier.arrive()
                        do {
                            try await store.append([TestEvents.event(writer)], to: "race-1", tenant: tenant, expectedVersion: .noStream)
                            return true
                        } catch EventStoreError.wrongExpectedVersion(_, _, let actual) {
                            #expect(actual == 1)
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await store.readStream("race-1", tenant: tenant).map(\.version) == [1])

            let anyBarrier = Barrier(parties: writers)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        try await anyBarrier.arrive()
                        try await store.append([TestEvents.event(writer)], to: "race-2", tenant: tenant)
                    }
                }
                try await group.waitForAll()
            }
            let events = try await store.readStream("race-2", tenant: tenant)
            #expect(events.map(\.version) == Array(1...Int64(writers)))
            #expect(try await store.streamVersion("race-2", tenant: tenant) == Int64(writers))
        }
    }

    @Test("an id appended by a transaction still open is refused as a duplicate (TY006) once that transaction commits")
    func idRacedAcrossStreams() async throws {
        try await withTestDatabase { database async throws in
            let tenant = UUID()
            let id = UUID()
            let first = try await PostgresConnection.connect(database.applicationConfiguration)
            try await first.query("BEGIN")
            try await first.query("SELECT * FROM tenantry.append_events(\(tenant), 'left-1', NULL, \(Self.eventsJSON([id]))::jsonb)")

            let second = Task {
                try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                    _ = try await connection.query(
                        "SELECT * FROM tenantry.append_events(\(tenant), 'right-1', NULL, \(Self.eventsJSON([id]))::jsonb)"
                    )
                }
            }
            // The second insert waits on the first's uncommitted id before it can decide.
            try await waitUntil("the second append waits for the first transaction") {
                try await Self.waitingOnTransaction(in: database) > 0
            }
            try await first.query("COMMIT")
            await first.close()

            let error = await #expect(throws: PostgresError.self) { try await second.value }
            #expect(error?.sqlState == EventStoreError.Code.duplicateEventID)
            #expect(error?.message.contains("left-1") == true, "\(String(describing: error))")
        }
    }

    @Test("one event and a batch each record the writing transaction's id and the category the stream name begins with")
    func transactionAndCategoryRecorded() async throws {
        try await withTestDatabase { database async throws in
            let tenant = UUID()
            for (stream, ids) in [("order.eu-7", [UUID()]), ("order.us-8", [UUID(), UUID()])] {
                let pool = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 1)
                let writer = try await pool.transaction { connection in
                    try connection.query(
                        "SELECT * FROM tenantry.append_events(\(tenant), \(stream), NULL, \(Self.eventsJSON(ids))::jsonb)"
                    )
                    return try connection.query("SELECT pg_current_xact_id()::text").rows.first?.decode(String.self)
                }
                await pool.close()
                let recorded = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query("""
                        SELECT transaction_id::text, category FROM tenantry.events
                        WHERE tenant_id = \(tenant) AND stream_name = \(stream) ORDER BY stream_version
                        """).rows.map { try $0.decode((String, String).self) }
                }
                #expect(recorded.count == ids.count)
                #expect(recorded.map(\.0) == Array(repeating: writer ?? "", count: ids.count), "\(stream)")
                #expect(recorded.map(\.1) == Array(repeating: String(stream.split(separator: "-")[0]), count: ids.count), "\(stream)")
            }
        }
    }

    // MARK: Helpers

    struct StreamRow: Equatable, Sendable {
        let version: Int64
        let updatedAt: String
    }

    static func streamRow(_ stream: StreamName, tenant: UUID, in database: TestDatabase) async throws -> StreamRow {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            let row = try await connection.query("""
                SELECT version, updated_at::text FROM tenantry.streams
                WHERE tenant_id = \(tenant) AND stream_name = \(stream.rawValue)
                """).rows.first
            guard let row else { throw EventStoreError.database(.misuse("no stream row for \(stream.rawValue)")) }
            let (version, updatedAt) = try row.decode((Int64, String).self)
            return StreamRow(version: version, updatedAt: updatedAt)
        }
    }

    /// Backends of this database waiting for another transaction to end (a row or index entry
    /// it wrote and has not committed).
    static func waitingOnTransaction(in database: TestDatabase) async throws -> Int {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query("""
                SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.datname = \(database.name)
                """).rows.first?.decode(Int.self) ?? 0
        }
    }
}
