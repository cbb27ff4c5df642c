/// One read of the global feed: the events that are safe to hand out, and where the safe
/// horizon stood when they were read.
public struct FeedPage: Sendable {
    /// Deliverable events after the cursor, in (transaction id, position) order.
    public let events: [RecordedEvent]
    /// The database's feed horizon at the read (`tenantry.feed_horizon()`: its oldest
    /// transaction still running, else the snapshot's xmax): every event of an older
    /// transaction was visible to the read.
    public let horizon: UInt64
    /// Whether committed events matching the filter wait at or beyond the horizon, held back by
    /// an older transaction that is still running.
    public let hasHeldBackEvents: Bool
    /// Whether the page was cut by its limit (so more may be deliverable right away).
    public let isFull: Bool

    /// Where the next read continues. After a short page every matching event below the horizon
    /// has been seen, so the cursor jumps to the horizon: a filtered reader does not scan the
    /// same unrelated events again.
    public func nextCursor(after cursor: GlobalCursor) -> GlobalCursor {
        let afterEvents = events.last?.cursor ?? cursor
        guard !isFull else { return afterEvents }
        return max(afterEvents, GlobalCursor(transactionID: horizon, position: 0))
    }
}

extension FeedPage {
    /// The same page with its events replaced (their personal fields opened), in the same order.
    func replacingEvents(_ events: [RecordedEvent]) -> FeedPage {
        FeedPage(events: events, horizon: horizon, hasHeldBackEvents: hasHeldBackEvents, isFull: isFull)
    }
}
