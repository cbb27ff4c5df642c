public import Logging
import PostgresClient

/// Catch-up then live delivery of the global feed, woken by the process's feed-tip watcher.
///
/// It reads from a cursor in batches until nothing more is deliverable, then waits until the
/// database's `FeedTipWatcher` sees the feed's tip move. Events arrive once each, in
/// (transaction id, position) order, even while writers commit out of order: a batch holds only
/// events of transactions older than every transaction still running.
///
/// When committed events are held back by an older transaction still running, the watcher
/// watches the database's writers until it ends, and the subscription looks again after a
/// short back-off at the latest; otherwise it wakes only when the tip moves or, as a safety
/// net, after `idleRecheck`.
public struct EventSubscription: Sendable {
    public let store: EventLog
    public let filter: EventFilter
    public let batchSize: Int
    public let idleRecheck: Duration
    private let logger: Logger

    public init(
        store: EventLog,
        filter: EventFilter = .all,
        batchSize: Int = 500,
        idleRecheck: Duration = .seconds(30),
        logger: Logger = Logger(label: "tenantry.subscription")
    ) {
        precondition(batchSize > 0, "a batch holds at least one event")
        self.store = store
        self.filter = filter
        self.batchSize = batchSize
        self.idleRecheck = idleRecheck
        self.logger = logger
    }

    /// Delivers every event after `cursor` to `handler`, batch by batch, until the task is
    /// cancelled (then it returns) or the handler throws (then it rethrows). The cursor moves
    /// past a batch only once the handler has returned.
    public func run(
        from cursor: GlobalCursor,
        _ handler: ([RecordedEvent]) async throws -> Void
    ) async throws {
        var cursor = cursor
        try await follow {
            let page = try await store.readPage(after: cursor, filter: filter, limit: batchSize)
            if !page.events.isEmpty { try await handler(page.events) }
            cursor = page.nextCursor(after: cursor)
            return page
        }
    }

    /// Reads everything deliverable now, then returns the cursor after the last event.
    /// Cancellation stops it between batches, throwing `CancellationError`.
    @discardableResult
    public func catchUp(
        from cursor: GlobalCursor,
        _ handler: ([RecordedEvent]) async throws -> Void
    ) async throws -> GlobalCursor {
        var cursor = cursor
        while true {
            try Task.checkCancellation()
            let page = try await store.readPage(after: cursor, filter: filter, limit: batchSize)
            if !page.events.isEmpty { try await handler(page.events) }
            cursor = page.nextCursor(after: cursor)
            if !page.isFull { return cursor }
        }
    }

    /// Calls `step`, which reads one page of the feed, whenever the feed may have moved on: at
    /// once after a full page, otherwise when the database's feed-tip watcher (one per process,
    /// see `FeedTipWatcher`) sees the tip move, or after `idleRecheck`. While committed events
    /// are held back by an older transaction still running, the watcher also watches the
    /// database's writers, and the step runs again after a short back-off at the latest.
    /// Returns when the task is cancelled; rethrows what `step` throws, except lost
    /// connections, after which it backs off from 0.1 s to 5 s and goes on (the step's own
    /// cursor makes that lossless).
    ///
    /// `gathering` lets the feed move on for that long after the watcher saw it move, before
    /// the step reads: a follower whose pages cost a transaction each (a projection) then reads
    /// a burst of commits as one page instead of one page per commit, at the price of that much
    /// more lag. Zero (the default) reads at once.
    public func follow(gathering: Duration = .zero, _ step: () async throws -> FeedPage) async throws {
        let lease = FeedTipWatchers.shared.lease(for: store.pool, logger: logger)
        defer { lease.release() }
        var heldBackDelay = Self.minimumHeldBackDelay
        var reconnectDelay = Self.minimumReconnectDelay
        var failedAttempts = 0
        while !Task.isCancelled {
            do {
                // Read the watcher's count before the page: a commit after the read moves it.
                let seen = lease.watcher.version
                let page = try await step()
                if failedAttempts > 0 {
                    logger.info("subscription reconnected", metadata: ["failed attempts": "\(failedAttempts)"])
                    failedAttempts = 0
                    reconnectDelay = Self.minimumReconnectDelay
                }
                if page.isFull { continue }
                if page.hasHeldBackEvents {
                    await lease.watcher.waitForChange(after: seen, until: .now + heldBackDelay, watchingWriters: true)
                    heldBackDelay = min(heldBackDelay * 2, Self.maximumHeldBackDelay)
                } else {
                    heldBackDelay = Self.minimumHeldBackDelay
                    await lease.watcher.waitForChange(after: seen, until: .now + idleRecheck, watchingWriters: false)
                    if gathering > .zero, lease.watcher.version != seen { try await Task.sleep(for: gathering) }
                }
            } catch where error is CancellationError || Task.isCancelled {
                return
            } catch where Self.isConnectionLoss(error) {
                // One warning per outage; the retries, backing off to a few seconds, log at debug.
                if failedAttempts == 0 {
                    logger.warning("subscription lost its connection; reconnecting", metadata: ["error": "\(error)"])
                } else {
                    logger.debug("subscription still cannot reach the database", metadata: ["attempt": "\(failedAttempts + 1)", "error": "\(error)"])
                }
                failedAttempts += 1
                do {
                    // Jitter, so subscriptions of many processes do not retry in step.
                    try await Task.sleep(for: reconnectDelay * Double.random(in: 0.5...1.0))
                } catch {
                    return
                }
                reconnectDelay = min(reconnectDelay * 2, Self.maximumReconnectDelay)
            }
        }
    }

    /// Whether `error` is the database being away (or too slow to answer in time), which the
    /// subscription waits out, as opposed to a failure it reports.
    private static func isConnectionLoss(_ error: any Error) -> Bool {
        guard let error = PostgresError(underlying: error) else { return false }
        return error.isConnectionFatal || error.isDatabaseUnavailable || error.kind == .timedOut
    }

    static let minimumHeldBackDelay: Duration = .milliseconds(2)
    static let maximumHeldBackDelay: Duration = .milliseconds(500)
    static let minimumReconnectDelay: Duration = .milliseconds(100)
    static let maximumReconnectDelay: Duration = .seconds(5)
}
