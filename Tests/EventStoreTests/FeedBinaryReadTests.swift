import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// `readPage` reads `tenantry.read_feed` with results in the binary format; what it hands out
/// must be exactly what the function returns as an ordinary text result, page by page,
/// held-back events and awkward text included.
@Suite("Feed reads in the binary format")
struct FeedBinaryReadTests {
    /// The page as `read_feed`'s ordinary result, decoded column by column.
    private struct ResultPage: Equatable {
        var horizon: UInt64
        var heldBack: Bool
        var events: [[String?]]
    }

    private func resultPage(after cursor: GlobalCursor, limit: Int, on connection: isolated PostgresConnection) throws -> ResultPage {
        let rows = try connection.query("""
            SELECT horizon::text AS h, held_back AS b, position::text AS p, transaction_id::text AS x, tenant_id::text AS t,
                   stream_name AS s, stream_version::text AS v, event_id::text AS i, event_type AS e, data::text AS d,
                   metadata::text AS m, recorded_at AS r
            FROM tenantry.read_feed(\(cursor.transactionID)::xid8, \(cursor.position)::bigint, \(limit)::integer, NULL, NULL)
            ORDER BY transaction_id, position
            """).rows
        let first = try #require(rows.first)
        return ResultPage(
            horizon: try first.decode(column: 0, as: UInt64.self),
            heldBack: try first.decode(column: 1, as: Bool.self),
            events: rows.filter { $0.values[2] != nil }.map { row in
                var values = Array(row.values[2...])
                // recorded_at compared as the Date both sides decode.
                values[9] = try? row.decode(column: 11, as: Date.self).timeIntervalSince1970.description
                return values
            })
    }

    private func binaryPage(_ page: FeedPage) -> ResultPage {
        ResultPage(horizon: page.horizon, heldBack: page.hasHeldBackEvents, events: page.events.map { event in
            [String(event.position), String(event.transactionID), event.tenantID.uuidString.lowercased(), event.stream,
             String(event.version), event.id.uuidString.lowercased(), event.type, event.dataJSON, event.metadataJSON,
             event.recordedAt.timeIntervalSince1970.description]
        })
    }

    @Test("binary pages equal read_feed's text result pages, with an older transaction holding later commits back and after it commits")
    func binaryEqualsText() async throws {
        try await withEventStore(maximumConnections: 4) { store, database async throws in
            let tenant = UUID()
            let awkward = try NewEvent(
                type: "Awkward",
                dataJSON: #"{"text":"tab\there\nnew line \\ back \"quoted\" ünï 🎉","n":1.10}"#,
                metadataJSON: #"{"actor":"a\\b"}"#)
            try await store.append([awkward] + TestEvents.events(1...5), to: "feed-0", tenant: tenant)
            // An older transaction writes and stays open; later ones commit before it.
            let holder = try await PostgresConnection.connect(database.operatorConfiguration)
            try await holder.query("BEGIN")
            try await store.append(TestEvents.events(1...3), to: "feed-held", tenant: tenant, on: holder)
            for n in 1...4 {
                try await store.append(TestEvents.events(1...(n * 20)), to: try StreamName(category: "feed", id: String(n)), tenant: tenant)
            }
            try await compareAllPages(store: store, database: database, expectHeldBack: true)
            try await holder.query("COMMIT")
            await holder.close()
            try await compareAllPages(store: store, database: database, expectHeldBack: false)
        }
    }

    /// Walks the feed in pages of 2 with both reads inside one REPEATABLE READ transaction (one
    /// snapshot, so one horizon, whatever other tests do meanwhile) and compares them. A
    /// transaction of another database that ends between the snapshot and the look at the
    /// backends is kept as a horizon for the whole transaction (its database is unknown by then):
    /// both reads then stop early alike, and the walk is made again.
    private func compareAllPages(store: EventLog, database: TestDatabase, expectHeldBack: Bool) async throws {
        try await waitUntil("a walk of the feed not cut short by another database's transaction") {
            try await walkAllPages(store: store, database: database, expectHeldBack: expectHeldBack)
        }
    }

    /// One walk; whether it went past the first pages (every page compared either way).
    private func walkAllPages(store: EventLog, database: TestDatabase, expectHeldBack: Bool) async throws -> Bool {
        try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
            try await connection.transaction(isolation: .repeatableRead) { connection in
                var cursor = GlobalCursor.start
                var pages = 0
                var sawHeldBack = false
                while true {
                    let viaCopy = try store.readPage(after: cursor, filter: .all, limit: 2, on: connection)
                    let viaResult = try resultPage(after: cursor, limit: 2, on: connection)
                    #expect(binaryPage(viaCopy) == viaResult)
                    sawHeldBack = sawHeldBack || viaCopy.hasHeldBackEvents
                    pages += 1
                    guard let last = viaCopy.events.last else { break }
                    cursor = last.cursor
                }
                guard pages > 2 else { return false }
                if expectHeldBack { #expect(sawHeldBack) }
                return true
            }
        }
    }
}
