import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// A read model with one row per event, keyed by event id: applying an event twice would
/// violate the key and fail the test loudly.
struct EventLedger: Projection {
    let name: String
    let filter = EventFilter(categories: ["ledger"])

    func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        for event in events {
            try await connection.query("""
                INSERT INTO public.ledger (event_id, position) VALUES (\(event.id), \(event.position))
                """)
        }
    }

    func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM public.ledger")
    }

    static func createTable(in database: TestDatabase) async throws {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.runScript("""
                CREATE TABLE public.ledger (event_id uuid PRIMARY KEY, position bigint NOT NULL);
                GRANT SELECT, INSERT, DELETE ON public.ledger TO tenantry_app, tenantry_operator;
                """)
        }
    }

    static func count(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT count(*) FROM public.ledger").rows.first?.decode(Int.self) ?? 0
    }
}

@Suite("Projections and checkpoints")
struct ProjectionTests {
    @Test("a restarted projection resumes from its checkpoint with no loss and no duplicate")
    func resumesFromCheckpoint() async throws {
        try await withEventStore { store, database async throws in
            try await EventLedger.createTable(in: database)
            let tenant = UUID()
            try await store.append(TestEvents.events(1...40), to: "ledger-1", tenant: tenant)
            try await store.append(TestEvents.events(1...5), to: "other-1", tenant: tenant)

            let first = ProjectionRunner(projection: EventLedger(name: "ledger"), store: store, batchSize: 7)
            let running = Task { try await first.run() }
            try await waitUntil("the first runner applied 40") { try await EventLedger.count(store.pool) == 40 }
            running.cancel()
            _ = try? await running.value
            let checkpoint = try #require(try await first.checkpoint())

            // Events written while no runner runs.
            try await store.append(TestEvents.events(41...60), to: "ledger-1", tenant: tenant)

            let second = ProjectionRunner(projection: EventLedger(name: "ledger"), store: store, batchSize: 7)
            let resumed = Task { try await second.run() }
            try await waitUntil("the restarted runner applied the rest") { try await EventLedger.count(store.pool) == 60 }
            // Live again after catching up.
            try await store.append(TestEvents.events(61...62), to: "ledger-1", tenant: tenant)
            try await waitUntil("live events applied") { try await EventLedger.count(store.pool) == 62 }
            resumed.cancel()
            _ = try? await resumed.value
            #expect(try await second.checkpoint()! > checkpoint)
            #expect(try await EventLedger.count(store.pool) == 62)
        }
    }

    @Test("two runners of one projection racing apply each event exactly once")
    func competingRunners() async throws {
        try await withEventStore(maximumConnections: 12) { store, database async throws in
            try await EventLedger.createTable(in: database)
            for stream in 0..<10 {
                try await store.append(TestEvents.events(1...30), to: try StreamName(category: "ledger", id: String(stream)), tenant: UUID())
            }
            let runners = (0..<2).map { _ in ProjectionRunner(projection: EventLedger(name: "ledger"), store: store, batchSize: 5) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for runner in runners {
                    group.addTask {
                        try await waitUntil("all 300 applied") {
                            try await runner.catchUp()
                            return try await EventLedger.count(store.pool) >= 300
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await EventLedger.count(store.pool) == 300)
        }
    }

    @Test("rebuild empties the read model and folds every event again")
    func rebuild() async throws {
        try await withEventStore { store, database async throws in
            try await EventLedger.createTable(in: database)
            try await store.append(TestEvents.events(1...25), to: "ledger-1", tenant: UUID())
            _ = try await store.readAllSettled(count: 25)
            let runner = ProjectionRunner(projection: EventLedger(name: "ledger"), store: store)
            try await runner.catchUp()
            #expect(try await EventLedger.count(store.pool) == 25)
            try await store.pool.query("DELETE FROM public.ledger WHERE position % 2 = 0")
            #expect(try await EventLedger.count(store.pool) < 25)
            try await runner.rebuild()
            #expect(try await EventLedger.count(store.pool) == 25)
        }
    }

    @Test("a rebuild while a live runner runs leaves no hole and no duplicate")
    func rebuildWhileRunning() async throws {
        try await withEventStore(maximumConnections: 12) { store, database async throws in
            try await EventLedger.createTable(in: database)
            let tenant = UUID()
            try await store.append(TestEvents.events(1...100), to: "ledger-1", tenant: tenant)
            let live = ProjectionRunner(projection: EventLedger(name: "ledger"), store: store, batchSize: 10)
            let running = Task { try await live.run() }
            try await waitUntil("the live runner caught up") { try await EventLedger.count(store.pool) == 100 }

            let rebuilding = ProjectionRunner(projection: EventLedger(name: "ledger"), store: store, batchSize: 10)
            async let rebuilt: Void = rebuilding.rebuild()
            for n in 101...150 {
                try await store.append([TestEvents.event(n)], to: "ledger-1", tenant: tenant)
            }
            try await rebuilt
            try await waitUntil("every event applied once") { try await EventLedger.count(store.pool) == 150 }
            running.cancel()
            _ = try? await running.value
            #expect(try await EventLedger.count(store.pool) == 150)
        }
    }
}
