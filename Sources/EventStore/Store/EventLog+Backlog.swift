public import Foundation

extension EventLog {
    /// How many events a reader at `cursor` has still to pass: the events of every tenant that
    /// follow it in feed order and are deliverable now, counted up to `limit` (so the read is a
    /// bounded index range, empty for a reader that is current).
    ///
    /// Fits a reader whose cursor moves past events its filter skips (`LiveView`,
    /// `EventSubscription`: `FeedPage.nextCursor(after:)`); for a stored checkpoint that moves
    /// only with the events it handled, use `backlog(after:tenant:category:limit:)`.
    public func backlog(after cursor: GlobalCursor, limit: Int) async throws -> Int {
        precondition(limit > 0, "count up to at least one event")
        do {
            let count = try await pool.query(EventStoreStatements.backlog(after: cursor, limit: limit))
                .rows.first?.decode(Int64.self) ?? 0
            return Int(count)
        } catch {
            throw EventStoreError.translate(error)
        }
    }

    /// How many deliverable events of `tenant`'s `category` follow `cursor`, counted up to
    /// `limit`, for a stored checkpoint that moves only with the events it handled. It reads
    /// the category's index after the position of the last event at or before the cursor, so
    /// the read stays short however far the feed ran on elsewhere; an event that sorts after
    /// the cursor with a lower position (its transaction wrote first, inserted the event later)
    /// is not counted: a close count, for lag, never for delivery. The store must act as
    /// `tenantry_operator`: placing the cursor reads the feed of every tenant.
    public func backlog(after cursor: GlobalCursor, tenant: UUID, category: String, limit: Int) async throws -> Int {
        precondition(limit > 0, "count up to at least one event")
        do {
            let count = try await pool.query(EventStoreStatements.backlog(after: cursor, tenant: tenant, category: category, limit: limit))
                .rows.first?.decode(Int64.self) ?? 0
            return Int(count)
        } catch {
            throw EventStoreError.translate(error)
        }
    }
}
