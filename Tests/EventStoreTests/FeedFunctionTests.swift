import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// `tenantry.read_feed` (migration 0004) is the no-skip read for every client; the Swift reader
/// calls it. These tests read it the way psql does: plain SQL on a plain connection.
@Suite("The feed read as a SQL function")
struct FeedFunctionTests {
    /// One row of `read_feed` as plain SQL returns it: the horizon, the held-back flag and the
    /// event's cursor and id (NULL on a page with no deliverable event).
    struct FeedRow: Equatable {
        var horizon: UInt64
        var heldBack: Bool
        var transactionID: UInt64?
        var position: Int64?
        var eventID: UUID?
    }

    @Test("plain SQL pages of read_feed are the pages the Swift reader hands out, filtered or not")
    func sqlPagesMatchSwiftPages() async throws {
        try await withEventStore { store, database async throws in
            let (tenant, other) = (UUID(), UUID())
            try await store.append(TestEvents.events(1...4), to: "doc-1", tenant: tenant)
            try await store.append(TestEvents.events(1...3), to: "note-1", tenant: other)
            try await store.append(TestEvents.events(5...6), to: "doc-1", tenant: tenant)
            try await store.append(TestEvents.events(1...2), to: "note-2", tenant: tenant)
            _ = try await store.readAllSettled(count: 11)

            let filters = [EventFilter.all, EventFilter(tenantID: tenant), EventFilter(tenantID: tenant, categories: ["note"])]
            for filter in filters {
                var cursor = GlobalCursor.start
                var pages = 0
                while true {
                    let swiftPage = try await store.readPage(after: cursor, filter: filter, limit: 3)
                    let sqlPage = try await Self.readFeed(after: cursor, filter: filter, limit: 3, on: database)
                    let sqlEvents = sqlPage.filter { $0.eventID != nil }
                    let sqlHorizon = try #require(sqlPage.first).horizon
                    // Every row of a page carries the same horizon.
                    #expect(Set(sqlPage.map(\.horizon)).count == 1)
                    // A plain read_feed can find a lower horizon than the reader's read_feed_page:
                    // a transaction of another database that ended between its snapshot and its
                    // look at the others' holds it back (a delay, Decision 5). It then hands out
                    // a prefix of the same page, never another event or another order.
                    let shown = sqlHorizon >= swiftPage.horizon ? swiftPage.events : Array(swiftPage.events.prefix(sqlEvents.count))
                    #expect(sqlEvents.map(\.eventID) == shown.map(\.id), "filter \(filter), page \(pages)")
                    #expect(sqlEvents.map(\.position) == shown.map(\.position))
                    #expect(sqlEvents.map(\.transactionID) == shown.map(\.transactionID))
                    guard let last = swiftPage.events.last else { break }
                    cursor = last.cursor
                    pages += 1
                }
                let expected = filter.tenantID == nil ? 11 : filter.categories == nil ? 8 : 2
                #expect(pages == (expected + 2) / 3)
            }
        }
    }

    @Test("a page never skips an event a still-running transaction will commit below it")
    func runningTransactionHoldsBackLaterCommits() async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            // The first transaction appends (taking the lower position and transaction id) and
            // stays open; the second appends after it and commits first.
            let first = try await PostgresConnection.connect(database.operatorConfiguration)
            try await first.query("BEGIN")
            try await first.query(Self.append(to: "doc-1", tenant: tenant))
            try await PostgresConnection.withConnection(database.operatorConfiguration) { second in
                try await second.query(Self.append(to: "doc-2", tenant: tenant))
            }

            let filter = EventFilter(tenantID: tenant)
            let whileRunning = try await Self.readFeed(after: .start, filter: filter, limit: 10, on: database)
            #expect(whileRunning.count == 1)
            #expect(whileRunning.first?.eventID == nil)
            #expect(whileRunning.first?.heldBack == true)

            try await first.query("COMMIT")
            await first.close()
            var rows: [FeedRow] = []
            try await waitUntil("both events are deliverable") {
                rows = try await Self.readFeed(after: .start, filter: filter, limit: 10, on: database)
                return rows.compactMap(\.eventID).count == 2
            }
            // The page ends with the row of the horizon alone.
            #expect(rows.count == 3)
            #expect(rows.last?.eventID == nil)
            // Feed order is transaction order: the first transaction's event comes first.
            let positions = rows.compactMap(\.position)
            #expect(positions == positions.sorted())
            #expect(rows.allSatisfy { !$0.heldBack })
            let swift = try await store.readAll(after: .start, filter: filter, limit: 10)
            #expect(swift.map(\.id) == rows.compactMap(\.eventID))
        }
    }

    @Test("read_feed runs with the caller's rights: the application sees only the tenant its transaction is set to")
    func rowLevelSecurityApplies() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let (tenant, other) = (UUID(), UUID())
            try await store.append(TestEvents.events(1...2), to: "doc-1", tenant: tenant)
            try await store.append(TestEvents.events(1...3), to: "doc-1", tenant: other)
            _ = try await store.readAllSettled(count: 2, filter: EventFilter(tenantID: tenant))

            let pool = database.applicationPool(maximumConnections: 1)
            let unbound = try await pool.query("SELECT count(event_id) FROM tenantry.read_feed('0', 0, 100)")
                .rows.first?.decode(Int.self)
            let bound = try await pool.transaction { connection in
                try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
                return try connection.query("SELECT DISTINCT tenant_id FROM tenantry.read_feed('0', 0, 100) WHERE event_id IS NOT NULL")
                    .rows.map { try $0.decode(UUID.self) }
            }
            await pool.close()
            #expect(unbound == 0)
            #expect(bound == [tenant])
        }
    }

    /// Reads one page with plain SQL, as the operator (or in the filter's tenant, as the Swift
    /// reader does).
    static func readFeed(after cursor: GlobalCursor, filter: EventFilter, limit: Int, on database: TestDatabase) async throws -> [FeedRow] {
        try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
            try await connection.transaction { connection in
                if let tenant = filter.tenantID {
                    try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
                }
                return try connection.query("""
                    SELECT horizon, held_back, transaction_id, position, event_id
                    FROM tenantry.read_feed(\(cursor.transactionID)::xid8, \(cursor.position), \(limit), \(filter.tenantID), \(filter.categories))
                    """).rows.map { row in
                    FeedRow(
                        horizon: try row.decode(column: 0, as: UInt64.self),
                        heldBack: try row.decode(column: 1, as: Bool.self),
                        transactionID: try row.decode(column: 2, as: UInt64?.self),
                        position: try row.decode(column: 3, as: Int64?.self),
                        eventID: try row.decode(column: 4, as: UUID?.self)
                    )
                }
            }
        }
    }

    /// One event appended with append_events, as any client would.
    static func append(to stream: String, tenant: UUID) -> PostgresQuery {
        """
        SELECT stream_version FROM tenantry.append_events(
            \(tenant), \(stream), NULL, jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'type', 'Noted', 'data', '{}'::jsonb)))
        """
    }
}
