import Foundation
import PostgresClient

extension EventLog {
    /// Reads a page of the feed: `tenantry.read_feed` (migrations 0004, 0005, 0007) with the page's
    /// arguments as parameters and the rows in the binary format, decoded in place.
    ///
    /// Neither side formats or parses text (numbers, uuids and timestamps travel as bytes),
    /// the read is planned with its values (never prepared, so never a generic plan that walks
    /// the feed from the start), and `read_feed`, a SQL function, is inlined into the query, so
    /// its rows go out as they are read instead of being collected whole first. That is what
    /// makes a catch-up read the store at close to COPY's speed. `read_feed` stays the rule of
    /// what is deliverable; this only changes how its rows travel.
    ///
    /// The statement before it, in the same transaction, notes the transactions running in
    /// other databases before the read's snapshot is taken (`note_transactions_elsewhere`,
    /// 0006) and turns JIT off (a page is estimated far above `jit_above_cost`, and compiling
    /// it cost about 10 ms a page). Outside a transaction the page opens one of its own.
    func readPageBinary(
        after cursor: GlobalCursor,
        filter: EventFilter,
        limit: Int,
        personalData: PersonalDataView,
        on connection: isolated PostgresConnection
    ) throws -> FeedPage {
        try connection.joiningTransaction { connection in
            try connection.query(EventStoreStatements.prepareFeedRead)
            let page = try readFeedRows(after: cursor, filter: filter, limit: limit, on: connection)
            guard personalData == .opened else { return page }
            return page.replacingEvents(try Self.openingPersonalData(page.events, on: connection))
        }
    }

    private func readFeedRows(
        after cursor: GlobalCursor,
        filter: EventFilter,
        limit: Int,
        on connection: isolated PostgresConnection
    ) throws(PostgresError) -> FeedPage {
        var horizon: UInt64?
        var heldBack = false
        var inFeedOrder = true
        var events: [RecordedEvent] = []
        events.reserveCapacity(min(limit, 10_000))
        try connection.queryBinary(EventStoreStatements.feedPage(after: cursor, filter: filter, limit: limit)) { fields throws(PostgresError) in
            let (readBelow, waiting) = (try fields.decodeNext(UInt64.self), try fields.decodeNext(Bool.self))
            horizon = horizon ?? readBelow
            heldBack = heldBack || waiting
            guard let event = try RecordedEvent(binaryFields: &fields) else { return }
            if let previous = events.last, previous.cursor >= event.cursor { inFeedOrder = false }
            events.append(event)
        }
        guard let horizon else { throw .misuse("the feed read returned no row") }
        // `read_feed` orders its rows; a page that ever came otherwise is sorted here.
        if !inFeedOrder { events.sort { $0.cursor < $1.cursor } }
        return FeedPage(events: events, horizon: horizon, hasHeldBackEvents: heldBack, isFull: events.count == limit)
    }
}

extension EventStoreStatements {
    /// What a feed read needs first in its transaction: the transactions of other databases
    /// noted before its snapshot, and no JIT.
    static let prepareFeedRead: PostgresQuery =
        "SELECT tenantry.note_transactions_elsewhere(), set_config('jit', 'off', true)"

    /// The no-skip read, `tenantry.read_feed` (migrations 0004, 0005, 0007): only transactions below
    /// the database's feed horizon (`tenantry.feed_horizon()`), all of which have ended, so
    /// nothing can later appear before the last event returned. The first two columns say
    /// where that horizon was and whether committed events (matching the filter) wait at or
    /// beyond it; the page ends with a row of the horizon alone, its event columns NULL. The function runs
    /// with the caller's rights: row-level security decides whose events it sees.
    static func feedPage(after cursor: GlobalCursor, filter: EventFilter, limit: Int) -> PostgresQuery {
        """
        SELECT horizon, held_back, position, transaction_id, tenant_id, stream_name, stream_version,
               event_id, event_type, data::text, metadata::text, recorded_at
        FROM tenantry.read_feed(\(String(cursor.transactionID))::xid8, \(cursor.position), \(limit),
                                \(filter.tenantID)::uuid, \(filter.categories)::text[])
        """
    }
}
