import Foundation
import PostgresClient

extension EventLog {
    /// Reads a page of the feed with `COPY (SELECT … FROM tenantry.read_feed_page()) TO STDOUT
    /// (FORMAT binary)`: the rows stream instead of one result held whole, in the binary format,
    /// which neither side has to format or parse (numbers, uuids and timestamps as bytes); that
    /// is what makes a catch-up read the store at close to COPY's speed. `read_feed` (migrations 0004, 0005) stays
    /// the rule of what is deliverable; this only changes how its rows travel.
    ///
    /// COPY takes no parameters, so the page's arguments go first into settings of the session
    /// (one parameterised `set_config` statement) and the COPY statement, always the same text,
    /// reads them back.
    func readPageByCopy(
        after cursor: GlobalCursor,
        filter: EventFilter,
        limit: Int,
        on connection: isolated PostgresConnection
    ) throws(PostgresError) -> FeedPage {
        try connection.query(EventStoreStatements.feedArguments(after: cursor, filter: filter, limit: limit))
        var horizon: UInt64?
        var heldBack = false
        var inFeedOrder = true
        var events: [RecordedEvent] = []
        events.reserveCapacity(min(limit, 10_000))
        try connection.copyOutBinary(EventStoreStatements.copyFeed) { fields throws(PostgresError) in
            let (readBelow, waiting) = (try fields.decodeNext(UInt64.self), try fields.decodeNext(Bool.self))
            horizon = horizon ?? readBelow
            heldBack = heldBack || waiting
            guard let event = try RecordedEvent(copyFields: &fields) else { return }
            if let previous = events.last, previous.cursor >= event.cursor { inFeedOrder = false }
            events.append(event)
        }
        guard let horizon else { throw .misuse("the feed read returned no row") }
        // The rows come in the function's order, not sorted again on the way out (a sort of the
        // page cost more than it is worth); SQL does not promise that order, so a page that ever
        // came otherwise is sorted here: it holds the right events either way.
        if !inFeedOrder { events.sort { $0.cursor < $1.cursor } }
        return FeedPage(events: events, horizon: horizon, hasHeldBackEvents: heldBack, isFull: events.count == limit)
    }
}

extension EventStoreStatements {
    /// The arguments of the next `copyFeed`, as settings of the session (values of a read cursor
    /// and filter: nothing another user of the pooled connection could misuse).
    static func feedArguments(after cursor: GlobalCursor, filter: EventFilter, limit: Int) -> PostgresQuery {
        """
        SELECT set_config('tenantry.feed_after_transaction', \(String(cursor.transactionID)), false),
               set_config('tenantry.feed_after_position', \(String(cursor.position)), false),
               set_config('tenantry.feed_limit', \(String(limit)), false),
               set_config('tenantry.feed_tenant', coalesce(\(filter.tenantID)::uuid::text, ''), false),
               set_config('tenantry.feed_categories', coalesce(\(filter.categories)::text[]::text, ''), false)
        """
    }

    /// The no-skip read, `tenantry.read_feed` (migrations 0004, 0005) through
    /// `tenantry.read_feed_page()` (0006, which plans it with the values of the arguments
    /// `feedArguments` set): only transactions below the database's feed horizon
    /// (`tenantry.feed_horizon()`), all of which have ended, so nothing can later appear before
    /// the last event returned. The first two columns
    /// say where that horizon was and whether committed events (matching the filter) wait at or
    /// beyond it; the event columns are NULL when no event is deliverable. The rows come in
    /// feed order as the function returns them (a sort here cost more than the read itself
    /// saves); the reader sorts a page only if one ever comes otherwise. The function runs with the caller's rights:
    /// row-level security decides whose events it sees.
    static let copyFeed = """
        COPY (
            SELECT horizon, held_back, position, transaction_id, tenant_id, stream_name, stream_version,
                   event_id, event_type, data::text, metadata::text, recorded_at
            FROM tenantry.read_feed_page()
        ) TO STDOUT (FORMAT binary)
        """
}
