public import Foundation
import Metrics
public import PostgresClient

/// The append-only event store in PostgreSQL (schema `tenantry`).
///
/// Appends go through `tenantry.append_events`, one round trip that checks the expected
/// version under the stream's lock and numbers the events with no gap. Reads of a stream or a
/// category are snapshots; reads of the global feed (`readAll`) hand out only events that no
/// later commit can precede, which is what subscriptions build on.
///
/// ```swift
/// let store = EventLog(pool: pool)
/// let result = try await store.append(
///     [NewEvent(type: "AccountOpened", data: ["owner": "ada"])],
///     to: "account-42", tenant: tenantID, expectedVersion: .noStream
/// )
/// ```
public struct EventLog: Sendable {
    public let pool: PostgresPool

    /// The tenant id reserved for the platform's own streams (the control plane): the nil UUID.
    /// Only `tenantry_operator` may append there (`append_control_events`); row-level security
    /// shows its rows to the operator alone.
    public static let controlPlaneTenantID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The channel on which a process nudges other processes' feed-tip watchers after an
    /// append (outside the append's transaction; the append functions send nothing).
    public static let notificationChannel = "tenantry_events"

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: Appending

    /// Appends events to one stream atomically. Re-appending the same events (same ids, same
    /// order) returns the first append's result and writes nothing.
    @discardableResult
    public func append(
        _ events: [NewEvent],
        to stream: StreamName,
        tenant: UUID,
        expectedVersion: ExpectedVersion = .any
    ) async throws -> AppendResult {
        do {
            return try await pool.withConnection { connection in
                try append(events, to: stream, tenant: tenant, expectedVersion: expectedVersion, on: connection)
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Appends inside the caller's transaction on `connection`, so the events commit
    /// together with the caller's other writes. The database's feed-tip watchers (this
    /// process's and, by a NOTIFY sent outside the transaction, other processes') are nudged to
    /// look for the commit.
    @discardableResult
    public func append(
        _ unsealed: [NewEvent],
        to stream: StreamName,
        tenant: UUID,
        expectedVersion: ExpectedVersion = .any,
        on connection: isolated PostgresConnection
    ) throws -> AppendResult {
        guard !unsealed.isEmpty else { throw EventStoreError.invalidEvent("invalid event: an append needs at least one event") }
        let events: [NewEvent]
        do {
            events = try Self.sealingPersonalData(unsealed, tenant: tenant, on: connection)
        } catch {
            throw EventStoreError.translate(error)
        }
        FeedTipWatchers.shared.nudge(pool)
        if events.count >= Self.stagedAppendThreshold, tenant != Self.controlPlaneTenantID,
           let result = try appendStaged(events, to: stream, tenant: tenant, expectedVersion: expectedVersion, on: connection) {
            return result
        }
        let envelope = "[" + events.map(\.envelopeJSON).joined(separator: ",") + "]"
        do {
            let result = try connection.query(EventStoreStatements.append(
                tenant: tenant, stream: stream, expectedVersion: expectedVersion, eventsJSON: envelope
            ))
            guard let row = result.rows.first else {
                throw EventStoreError.database(.misuse("append_events returned no row"))
            }
            let (version, positions) = try row.decode((Int64, [Int64]).self)
            // Counted when the statement succeeds; a caller's transaction may still roll back,
            // so this is appends attempted successfully, not committed.
            Counter(label: "tenantry_events_appended_total").increment(by: events.count)
            return AppendResult(streamVersion: version, positions: positions)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    // MARK: Reading

    /// Reads a stream from a version, forward (ascending) or backward (descending).
    public func readStream(
        _ stream: StreamName,
        tenant: UUID,
        from version: Int64? = nil,
        direction: ReadDirection = .forward,
        limit: Int = 1000
    ) async throws -> [RecordedEvent] {
        let query = switch direction {
        case .forward:
            EventStoreStatements.readStreamForward(tenant: tenant, stream: stream, fromVersion: version ?? 1, limit: limit)
        case .backward:
            EventStoreStatements.readStreamBackward(tenant: tenant, stream: stream, fromVersion: version ?? .max, limit: limit)
        }
        return try await events(query, tenant: tenant)
    }

    /// Reads a category (every stream `category-…`) of one tenant after a global position.
    public func readCategory(
        _ category: String,
        tenant: UUID,
        after position: Int64 = 0,
        limit: Int = 1000
    ) async throws -> [RecordedEvent] {
        try await events(
            EventStoreStatements.readCategory(tenant: tenant, category: category, afterPosition: position, limit: limit),
            tenant: tenant
        )
    }

    /// Reads the global feed after a cursor, in (transaction id, position) order, handing out
    /// only events that no still-running transaction can precede. Continue from the last
    /// event's `cursor`; an empty result means nothing more is deliverable yet.
    public func readAll(
        after cursor: GlobalCursor = .start,
        filter: EventFilter = .all,
        limit: Int = 1000
    ) async throws -> [RecordedEvent] {
        try await readPage(after: cursor, filter: filter, limit: limit).events
    }

    /// Reads the global feed like `readAll`, with the horizon it read below, so a follower can
    /// move its cursor past events its filter skipped (see `FeedPage.nextCursor(after:)`).
    /// `personalData: .sealed` leaves personal fields as stored, for a copy of the events that
    /// keeps them sealed (with their keys).
    public func readPage(
        after cursor: GlobalCursor = .start,
        filter: EventFilter = .all,
        limit: Int = 1000,
        personalData: PersonalDataView = .opened
    ) async throws -> FeedPage {
        do {
            // One tenant's feed runs in that tenant's context (row-level security); the feed of
            // every tenant needs a pool acting as tenantry_operator.
            if let tenant = filter.tenantID {
                return try await inTenant(tenant) { connection in
                    try readPage(after: cursor, filter: filter, limit: limit, personalData: personalData, on: connection)
                }
            }
            return try await pool.withConnection { connection in
                try readPage(after: cursor, filter: filter, limit: limit, personalData: personalData, on: connection)
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Reads a page of the feed on the caller's connection (inside its transaction).
    public func readPage(
        after cursor: GlobalCursor,
        filter: EventFilter,
        limit: Int,
        personalData: PersonalDataView = .opened,
        on connection: isolated PostgresConnection
    ) throws -> FeedPage {
        precondition(limit > 0, "a page holds at least one event")
        do {
            return try readPageBinary(after: cursor, filter: filter, limit: limit, personalData: personalData, on: connection)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// The stream's current version, or `nil` if it has no events.
    public func streamVersion(_ stream: StreamName, tenant: UUID) async throws -> Int64? {
        do {
            return try await inTenant(tenant) { connection in
                try connection.query(EventStoreStatements.streamVersion(tenant: tenant, stream: stream))
                    .rows.first?.decode(Int64.self)
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// The names of `tenant`'s streams in `category` (every stream `category-…` with an event),
    /// in name order: what a command checks a new stream's name against without reading any
    /// event.
    public func streamNames(inCategory category: String, tenant: UUID) async throws -> [StreamName] {
        do {
            return try await inTenant(tenant) { connection in
                try connection.query(EventStoreStatements.streamNames(tenant: tenant, category: category))
                    .rows.map { StreamName(unchecked: try $0.decode(String.self)) }
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// The stream's current version inside the caller's transaction (bound to `tenant`).
    public func streamVersion(_ stream: StreamName, tenant: UUID, on connection: isolated PostgresConnection) throws -> Int64? {
        do {
            return try connection.query(EventStoreStatements.streamVersion(tenant: tenant, stream: stream))
                .rows.first?.decode(Int64.self)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Reads a stream forward from a version (the first by default) inside the caller's
    /// transaction (bound to `tenant`).
    public func readStream(
        _ stream: StreamName,
        tenant: UUID,
        from version: Int64 = 1,
        limit: Int = 10_000,
        on connection: isolated PostgresConnection
    ) throws -> [RecordedEvent] {
        do {
            let events = try connection.query(EventStoreStatements.readStreamForward(tenant: tenant, stream: stream, fromVersion: version, limit: limit))
                .rows.map { row throws(PostgresError) in try RecordedEvent(row: row) }
            return try Self.openingPersonalData(events, on: connection)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// A cursor from which `readAll` returns every event at or after a global position (and,
    /// because positions are not commit order, possibly some before it: filter on `position`).
    public func cursor(beforePosition position: Int64) async throws -> GlobalCursor {
        do {
            let transactionID = try await pool.query(EventStoreStatements.cursorBefore(position: position))
                .rows.first?.decode(UInt64.self) ?? UInt64(0)
            return GlobalCursor(transactionID: transactionID, position: 0)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// A cursor after every event deliverable now: following from it sees only new events.
    public func currentEnd() async throws -> GlobalCursor {
        do {
            guard let row = try await pool.query(EventStoreStatements.currentEnd).rows.first else { return .start }
            let (transactionID, position) = try row.decode((UInt64, Int64).self)
            return GlobalCursor(transactionID: transactionID, position: position)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    private func events(_ query: PostgresQuery, tenant: UUID) async throws -> [RecordedEvent] {
        do {
            return try await inTenant(tenant) { connection in
                let events = try connection.query(query).rows.map { row throws(PostgresError) in try RecordedEvent(row: row) }
                return try Self.openingPersonalData(events, on: connection)
            }
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Binds the caller's transaction on `connection` to `tenant` (row-level security reads it),
    /// for work that must share a transaction it did not open, e.g. a projection's batch.
    public func bind(tenant: UUID, on connection: isolated PostgresConnection) throws {
        do {
            try connection.query(EventStoreStatements.setTenant(tenant))
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// Runs `body` in a transaction bound to `tenant`, the context row-level security reads.
    /// The setting is transaction-local: the pooled connection does not keep it.
    @discardableResult
    public func inTenant<Value: Sendable>(
        _ tenant: UUID,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await pool.transaction { connection in
            try connection.query(EventStoreStatements.setTenant(tenant))
            return try await body(connection)
        }
    }
}
