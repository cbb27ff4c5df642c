import PostgresClient

extension EventLog {
    /// The names of the checks `verifyContract` runs, in order.
    public enum ContractCheckName {
        public static let access = "access"
        public static let streamVersions = "stream-versions"
        public static let streamRows = "stream-rows"
        public static let eventIDs = "event-ids"
        public static let feed = "feed"
        public static let checkpoints = "checkpoints"
    }

    /// Checks the store's invariants on whatever database the pool reaches (a live one, or one
    /// restored from a backup) and reports each by name:
    ///
    /// - `stream-versions`: every stream's recorded version equals its events' count and highest
    ///   version, and its events' versions are exactly 1…n;
    /// - `stream-rows`: every event's stream has its row;
    /// - `event-ids`: every event id appears once in its tenant;
    /// - `feed`: the global feed read from the start in (transaction id, position) order, page by
    ///   page, delivers every event of the transactions below its horizon exactly once, in
    ///   strictly increasing order (count and checksum compared with the table);
    /// - `checkpoints`: no stored checkpoint is past the feed's end.
    ///
    /// Everything is read in one repeatable-read transaction, so a store that is being written
    /// meanwhile is checked as of one moment (events of transactions still running then are left
    /// out of the feed comparison). The pool's login must see every row: a superuser, or a login
    /// with BYPASSRLS and SELECT on the schema's tables; any other login gets the single failed
    /// check `access` (row-level security would hide rows and make the counts meaningless).
    /// Throws only when the database cannot be read.
    public func verifyContract(pageSize: Int = 5000) async throws -> [ContractCheck] {
        precondition(pageSize > 0, "a page holds at least one event")
        do {
            return try await pool.transaction(isolation: .repeatableRead) { connection in
                let seesEveryRow = try connection.query(VerificationStatements.seesEveryRow).rows.first?.decode(Bool.self) ?? false
                guard seesEveryRow else {
                    return [ContractCheck(
                        name: ContractCheckName.access, promise: "the login sees every row",
                        failure: "the login is neither a superuser nor BYPASSRLS, so row-level security hides rows: "
                            + "verify with a superuser URL")]
                }
                return [
                    try Self.firstViolation(
                        ContractCheckName.streamVersions, VerificationStatements.streamVersions,
                        promise: "every stream's version is its event count, its versions 1…n with no gap", on: connection),
                    try Self.firstViolation(
                        ContractCheckName.streamRows, VerificationStatements.streamRows,
                        promise: "every event's stream has its row", on: connection),
                    try Self.firstViolation(
                        ContractCheckName.eventIDs, VerificationStatements.eventIDs,
                        promise: "every event id appears once in its tenant", on: connection),
                    try feedCheck(pageSize: pageSize, on: connection),
                    try Self.firstViolation(
                        ContractCheckName.checkpoints, VerificationStatements.checkpoints,
                        promise: "no checkpoint is past the feed's end", on: connection),
                ]
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// How long one verification statement may take: each reads a whole table.
    static let verificationTimeout: Duration = .seconds(30 * 60)

    /// Runs a statement that returns the count of violations and the first one, or no row.
    private static func firstViolation(
        _ name: String, _ statement: PostgresQuery, promise: String, on connection: isolated PostgresConnection
    ) throws -> ContractCheck {
        guard let row = try connection.query(statement, timeout: verificationTimeout).rows.first else {
            return ContractCheck(name: name, promise: promise, failure: nil)
        }
        let (count, first) = try row.decode((Int64, String).self)
        return ContractCheck(name: name, promise: promise, failure: "\(count) violation\(count == 1 ? "" : "s"), first: \(first)")
    }

    /// Reads the whole feed as a subscriber would and compares what it delivered with the table.
    private func feedCheck(pageSize: Int, on connection: isolated PostgresConnection) throws -> ContractCheck {
        let promise = "the feed delivers every event exactly once, in (transaction id, position) order"
        var cursor = GlobalCursor.start
        var last: GlobalCursor?
        var delivered: Int64 = 0
        var checksum = FeedChecksum()
        var horizon: UInt64 = 0
        while true {
            let page = try readPage(after: cursor, filter: .all, limit: pageSize, on: connection)
            horizon = page.horizon
            for event in page.events {
                if let last, event.cursor <= last {
                    return ContractCheck(
                        name: ContractCheckName.feed, promise: promise,
                        failure: "the feed delivered \(event.cursor) (event \(event.id)) after \(last): out of order or twice")
                }
                last = event.cursor
                delivered += 1
                checksum.add(event)
            }
            guard page.isFull else { break }
            cursor = page.nextCursor(after: cursor)
        }
        guard let row = try connection.query(VerificationStatements.feedContents(below: horizon), timeout: Self.verificationTimeout)
            .rows.first
        else { throw EventStoreError.database(.misuse("the feed's contents returned no row")) }
        let (stored, heldBack, fromTheFuture, storedChecksum) = try row.decode((Int64, Int64, Int64, Int64).self)
        guard fromTheFuture == 0 else {
            return ContractCheck(
                name: ContractCheckName.feed, promise: promise,
                failure: "\(fromTheFuture) events carry a transaction id not yet handed out, so the feed never delivers them")
        }
        let note = heldBack > 0 ? " (\(heldBack) events of transactions running at the check left out)" : ""
        guard delivered == stored else {
            return ContractCheck(
                name: ContractCheckName.feed, promise: promise,
                failure: "the feed delivered \(delivered) events but the table holds \(stored) below its horizon \(horizon)\(note)")
        }
        guard checksum.value == storedChecksum else {
            return ContractCheck(
                name: ContractCheckName.feed, promise: promise,
                failure: "the feed delivered \(delivered) events, as many as the table holds, but other ones "
                    + "(checksum \(checksum.value), table \(storedChecksum))\(note)")
        }
        return ContractCheck(name: ContractCheckName.feed, promise: promise + " (\(delivered) events\(note))", failure: nil)
    }
}
