import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// Batches at or above `EventLog.stagedAppendThreshold` go through COPY and
/// `append_staged_events` (migrations 0108, 0110); these are the guarantees of `append_events`, checked
/// on that path.
@Suite("Batch append through COPY")
struct StagedAppendTests {
    static let batch = EventLog.stagedAppendThreshold

    @Test("versions continue with no gap and the positions come back in order, batches and single events mixed")
    func gaplessNumbering() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let stream: StreamName = "ledger-1"
            let first = try await store.append(TestEvents.events(1...Self.batch), to: stream, tenant: tenant, expectedVersion: .noStream)
            #expect(first.streamVersion == Int64(Self.batch))
            #expect(first.positions.count == Self.batch)
            #expect(first.positions == first.positions.sorted())
            try await store.append([TestEvents.event(0)], to: stream, tenant: tenant, expectedVersion: .exact(Int64(Self.batch)))
            let third = try await store.append(
                TestEvents.events(1...(2 * Self.batch)), to: stream, tenant: tenant, expectedVersion: .exact(Int64(Self.batch + 1)))
            #expect(third.streamVersion == Int64(3 * Self.batch + 1))
            let events = try await store.readStream(stream, tenant: tenant, limit: 10_000)
            #expect(events.map(\.version) == Array(1...Int64(3 * Self.batch + 1)))
            #expect(events.suffix(2 * Self.batch).map(\.position) == third.positions)
            #expect(events.prefix(Self.batch).map(\.type) == Array(repeating: "Counted", count: Self.batch))
        }
    }

    @Test("staged ordinals need not start at 1, run on or come in order: the versions follow the ordinals' order, with no gap")
    func ordinalsWithGaps() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            // Staged out of order, with gaps: the order is 7, 12, 40, 1000.
            let staged: [(ordinal: Int, id: UUID)] = [(40, UUID()), (7, UUID()), (1000, UUID()), (12, UUID())]
            let rows = staged.map { CopyTextRow.line([String($0.ordinal), $0.id.uuidString.lowercased(), "Noted", "{\"n\": \($0.ordinal)}", "{}"]) }
            let result = try await store.pool.transaction { connection in
                try store.bind(tenant: tenant, on: connection)
                try connection.query("SELECT tenantry.prepare_staged_events()")
                try connection.copyIn(
                    "COPY pg_temp.tenantry_staged_events (ordinal, event_id, event_type, data, metadata) FROM STDIN", chunks: [rows.joined()]
                )
                return try connection.query("""
                    SELECT stream_version, positions FROM tenantry.append_staged_events(\(tenant), 'gaps-1', -1)
                    """).rows.first?.decode((Int64, [Int64]).self)
            }
            #expect(result?.0 == 4)
            let events = try await store.readStream("gaps-1", tenant: tenant)
            #expect(events.map(\.version) == [1, 2, 3, 4])
            #expect(events.map(\.id) == [staged[1].id, staged[3].id, staged[0].id, staged[2].id])
            #expect(events.map(\.position) == result?.1)

            // The ends of the integer range, far apart: renumbered without overflowing.
            let extremes: [(ordinal: Int32, id: UUID)] = [(.max, UUID()), (.min, UUID()), (0, UUID())]
            let extremeRows = extremes.map { CopyTextRow.line([String($0.ordinal), $0.id.uuidString.lowercased(), "Noted", "{}", "{}"]) }
            let extremeVersion = try await store.pool.transaction { connection in
                try store.bind(tenant: tenant, on: connection)
                try connection.query("SELECT tenantry.prepare_staged_events()")
                try connection.copyIn(
                    "COPY pg_temp.tenantry_staged_events (ordinal, event_id, event_type, data, metadata) FROM STDIN", chunks: [extremeRows.joined()]
                )
                return try connection.query("""
                    SELECT stream_version FROM tenantry.append_staged_events(\(tenant), 'gaps-2', -1)
                    """).rows.first?.decode(Int64.self)
            }
            #expect(extremeVersion == 3)
            let extremeEvents = try await store.readStream("gaps-2", tenant: tenant)
            #expect(extremeEvents.map(\.id) == [extremes[1].id, extremes[2].id, extremes[0].id])
        }
    }

    @Test("a wrong expected version refuses the whole batch and writes nothing")
    func conflictWritesNothing() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let stream: StreamName = "ledger-2"
            try await store.append(TestEvents.events(1...Self.batch), to: stream, tenant: tenant, expectedVersion: .noStream)
            let before = try await store.countAll()
            await #expect {
                try await store.append(TestEvents.events(1...Self.batch), to: stream, tenant: tenant, expectedVersion: .exact(3))
            } throws: { error in
                guard case let EventStoreError.wrongExpectedVersion(_, expected, actual) = error else { return false }
                return expected == .exact(3) && actual == Int64(Self.batch)
            }
            await #expect(throws: EventStoreError.self) {
                try await store.append(TestEvents.events(1...Self.batch), to: stream, tenant: tenant, expectedVersion: .noStream)
            }
            #expect(try await store.countAll() == before)
            #expect(try await store.streamVersion(stream, tenant: tenant) == Int64(Self.batch))
        }
    }

    @Test("re-appending the same batch returns the first result and writes nothing; two batches in one transaction each stand alone")
    func idempotentReappend() async throws {
        try await withEventStore { store, _ async throws in
            let tenant = UUID()
            let events = TestEvents.events(1...Self.batch)
            let first = try await store.append(events, to: "ledger-3", tenant: tenant, expectedVersion: .noStream)
            let again = try await store.append(events, to: "ledger-3", tenant: tenant, expectedVersion: .noStream)
            #expect(again == first)
            #expect(try await store.countAll() == Self.batch)
            // A different append reusing some ids is refused.
            await #expect(throws: EventStoreError.self) {
                try await store.append(Array(events.prefix(Self.batch - 1)) + [TestEvents.event(0)], to: "ledger-3", tenant: tenant)
            }
            // So is one whose first id is new and a later one is not (the unique key catches it).
            await #expect {
                try await store.append([TestEvents.event(0)] + Array(events.suffix(Self.batch - 1)), to: "ledger-3b", tenant: tenant)
            } throws: { error in
                guard case EventStoreError.duplicateEventID = error else { return false }
                return true
            }
            let other = TestEvents.events(1...Self.batch)
            let (a, b) = try await store.inTenant(tenant) { connection in
                let a = try store.append(other, to: "ledger-4", tenant: tenant, expectedVersion: .noStream, on: connection)
                let b = try store.append(TestEvents.events(1...Self.batch), to: "ledger-5", tenant: tenant, on: connection)
                return (a, b)
            }
            #expect(a.streamVersion == Int64(Self.batch) && b.streamVersion == Int64(Self.batch))
            #expect(try await store.countAll() == 3 * Self.batch)
        }
    }

    @Test("batch writers and single writers race on one stream with exact expected versions: versions 1…N, no gap, no duplicate")
    func concurrentBatchAndSingleWriters() async throws {
        let batchWriters = 3
        let batchesEach = 6
        let singleWriters = 3
        let singlesEach = 40
        try await withEventStore(maximumConnections: batchWriters + singleWriters) { store, _ async throws in
            let tenant = UUID()
            let stream: StreamName = "race-1"
            let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<(batchWriters + singleWriters) {
                    group.addTask {
                        var known: Int64 = 0
                        var conflicts = 0
                        let appends = writer < batchWriters ? batchesEach : singlesEach
                        for n in 0..<appends {
                            let events = writer < batchWriters
                                ? TestEvents.events((n * 1000)...(n * 1000 + Self.batch - 1))
                                : [TestEvents.event(n)]
                            while true {
                                do {
                                    known = try await store.append(events, to: stream, tenant: tenant, expectedVersion: .exact(known)).streamVersion
                                    break
                                } catch let EventStoreError.wrongExpectedVersion(_, _, actual) {
                                    conflicts += 1
                                    known = actual
                                }
                            }
                        }
                        return conflicts
                    }
                }
                return try await group.reduce(0, +)
            }
            let total = batchWriters * batchesEach * Self.batch + singleWriters * singlesEach
            let events = try await store.readStream(stream, tenant: tenant, limit: total + 1)
            #expect(events.map(\.version) == Array(1...Int64(total)))
            #expect(Set(events.map(\.id)).count == total)
            // The writers really raced: some lost and retried.
            #expect(conflicts > 0)
        }
    }

    @Test("the batch path refuses the control plane, another tenant's context and bad events, like append_events")
    func rulesOfAppendEvents() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let tenant = UUID()
            await #expect(throws: EventStoreError.self) {
                try await store.inTenant(UUID()) { connection in
                    try store.append(TestEvents.events(1...Self.batch), to: "ledger-6", tenant: tenant, on: connection)
                }
            }
            let bad = try NewEvent(type: "not a type", dataJSON: "{}")
            await #expect {
                try await store.append(TestEvents.events(1...Self.batch) + [bad], to: "ledger-6", tenant: tenant)
            } throws: { error in
                guard case let EventStoreError.invalidEvent(message) = error else { return false }
                return message.contains("event \(Self.batch + 1)")
            }
            let large = try NewEvent(type: "Large", dataJSON: "{\"text\":\"" + String(repeating: "x", count: 1_100_000) + "\"}")
            await #expect {
                try await store.append(TestEvents.events(1...Self.batch) + [large], to: "ledger-6", tenant: tenant)
            } throws: { error in
                guard case EventStoreError.eventTooLarge = error else { return false }
                return true
            }
            let duplicate = TestEvents.event(1)
            await #expect(throws: EventStoreError.self) {
                try await store.append(TestEvents.events(1...Self.batch) + [duplicate, duplicate], to: "ledger-6", tenant: tenant)
            }
            #expect(try await store.streamVersion("ledger-6", tenant: tenant) == nil)
        }
    }

    @Test("an instance's login cannot use the batch functions for another tenant, the control plane, or its own tenant outside its database")
    func instanceLoginKeptToItsLimits() async throws {
        try await withTestDatabase { database async throws in
            let own = UUID()
            let other = UUID()
            let role = "tenantry_instance_staged_\(UUID().uuidString.prefix(8).lowercased())"
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.runScript("CREATE ROLE \(role) LOGIN IN ROLE tenantry_instance")
                try await admin.query("""
                    INSERT INTO tenantry.instance_logins (role_name, tenant_id, database_name)
                    VALUES (\(role), \(own), 'tenantry_t_staged')
                    """)
            }
            let login = database.administratorConfiguration.with(user: role)
            try await PostgresConnection.withConnection(login) { connection in
                for (tenant, state) in [(other, "TY007"), (EventLog.controlPlaneTenantID, "TY008"), (own, "42501")] {
                    try await connection.query("BEGIN")
                    #expect(try await connection.query("SELECT tenantry.prepare_staged_events()").rows.first?.decode(Bool.self) == true)
                    try await connection.copyIn(
                        "COPY pg_temp.tenantry_staged_events (ordinal, event_id, event_type, data, metadata) FROM STDIN",
                        chunks: [CopyTextRow.line(["1", UUID().uuidString, "Noted", "{}", "{}"])])
                    await #expect {
                        try await connection.query("SELECT * FROM tenantry.append_staged_events(\(tenant), 'doc-1', NULL)")
                    } throws: { error in
                        (error as? PostgresError)?.sqlState?.rawValue == state
                    }
                    try await connection.query("ROLLBACK")
                }
            }
            let written = try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
            }
            #expect(written == 0)
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.runScript("DROP OWNED BY \(role); DROP ROLE \(role)")
            }
        }
    }

    @Test("the staging table is the schema owner's: the caller cannot attach anything to it that would run with the owner's rights", arguments: [
        "ALTER TABLE pg_temp.tenantry_staged_events ENABLE ROW LEVEL SECURITY",
        "CREATE INDEX ON pg_temp.tenantry_staged_events (ordinal)",
        "CREATE STATISTICS pg_temp.expressions ON (ordinal + 1), event_id FROM pg_temp.tenantry_staged_events",
        "ALTER TABLE pg_temp.tenantry_staged_events ADD CHECK (ordinal > 0)",
        """
        CREATE FUNCTION pg_temp.noticed() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
        CREATE TRIGGER noticed AFTER DELETE ON pg_temp.tenantry_staged_events FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.noticed()
        """,
    ])
    func stagingTableCannotBeChanged(change: String) async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                try await connection.query("BEGIN")
                #expect(try await connection.query("SELECT tenantry.prepare_staged_events()").rows.first?.decode(Bool.self) == true)
                await #expect {
                    try await connection.runScript(change)
                } throws: { error in
                    (error as? PostgresError)?.sqlState?.rawValue == "42501"
                }
                try await connection.query("ROLLBACK")
            }
        }
    }

    @Test("a table the caller made under the staging table's name is refused (55000) before it is read, and nothing is written")
    func callersOwnTableRefused() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                // Outside a transaction: the table outlives it, as a tampering session's would.
                try await connection.query("""
                    CREATE TEMPORARY TABLE tenantry_staged_events (
                        ordinal integer NOT NULL, event_id uuid, event_type text, data jsonb, metadata jsonb)
                    """)
                try await connection.query("BEGIN")
                try await connection.copyIn(
                    "COPY pg_temp.tenantry_staged_events (ordinal, event_id, event_type, data, metadata) FROM STDIN",
                    chunks: [CopyTextRow.line(["1", UUID().uuidString, "Noted", "{}", "{}"])])
                await #expect {
                    try await connection.query("SELECT * FROM tenantry.append_staged_events(\(UUID()), 'doc-1', NULL)")
                } throws: { error in
                    (error as? PostgresError)?.sqlState?.rawValue == "55000"
                }
                try await connection.query("ROLLBACK")
                await #expect {
                    try await connection.query("SELECT tenantry.prepare_staged_events()")
                } throws: { error in
                    (error as? PostgresError)?.sqlState?.rawValue == "55000"
                }
            }
            let written = try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
            }
            #expect(written == 0)
        }
    }
}
