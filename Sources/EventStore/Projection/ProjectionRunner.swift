import PostgresClient

/// Keeps a `Projection` up to date: catch-up, then live, with its checkpoint stored in the
/// same transaction as each batch it applies.
public struct ProjectionRunner<Subject: Projection>: Sendable {
    public let projection: Subject
    public let store: EventLog
    public let checkpoints: CheckpointStore
    public let batchSize: Int
    /// Shared by every copy of this runner: concurrent `catchUpWithCommittedWrites` calls.
    private let catchUps = CoalescedRuns()

    public init(projection: Subject, store: EventLog, batchSize: Int = 500) {
        self.projection = projection
        self.store = store
        self.checkpoints = CheckpointStore(pool: store.pool)
        self.batchSize = batchSize
    }

    private var subscription: EventSubscription {
        EventSubscription(store: store, filter: projection.filter, batchSize: batchSize)
    }

    /// Applies new events as they commit, until the task is cancelled; `gathering` lets a burst
    /// of commits gather into one page first (`EventSubscription.follow(gathering:_:)`).
    public func run(gathering: Duration = .zero) async throws {
        try await subscription.follow(gathering: gathering) { try await applyNextPage() }
    }

    /// Applies everything deliverable now and returns. Cancellation stops it between pages
    /// (each page's checkpoint saved with it), throwing `CancellationError`.
    public func catchUp() async throws {
        while try await applyNextPage().isFull {
            try Task.checkCancellation()
        }
    }

    /// Applies everything committed so far, waiting (up to `timeout`) for events that an older
    /// transaction still holds back: a caller that just wrote sees its own writes folded in.
    ///
    /// Callers sharing this runner (copies included) share runs (`CoalescedRuns`): one
    /// arriving while a run is under way waits for the next, which starts after it and so sees
    /// the caller's writes, and waits up to the longest `timeout` among its callers. A cancelled
    /// caller stops waiting at once (`CancellationError`); a run all of whose callers have gone
    /// is cancelled between pages, each page's checkpoint saved with it.
    public func catchUpWithCommittedWrites(timeout: Duration = .seconds(10)) async throws {
        let runner = self
        try await catchUps.run(timeout: timeout) { timeout in try await runner.applyCommitted(timeout: timeout) }
    }

    private func applyCommitted(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(1)
        while true {
            try Task.checkCancellation()
            let page = try await applyNextPage()
            if page.isFull { continue }
            guard page.hasHeldBackEvents, ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Empties the read model, forgets the checkpoint and folds every event again.
    ///
    /// Safe while a runner is live: both take the checkpoint's lock, and each page is read
    /// after that lock, from the checkpoint it guards.
    public func rebuild() async throws {
        let projection = self.projection
        let checkpoints = self.checkpoints
        try await store.pool.transaction { connection in
            _ = try checkpoints.lock(projection.name, on: connection)
            try await projection.reset(in: connection)
            try checkpoints.save(projection.name, .start, on: connection)
        }
        try await catchUp()
    }

    /// The stored checkpoint (for status and lag).
    public func checkpoint() async throws -> GlobalCursor? {
        try await checkpoints.load(projection.name)
    }

    /// In one transaction: lock the checkpoint, read the page after it, apply it, move the
    /// checkpoint. Exactly once per event, whoever else runs the same projection.
    private func applyNextPage() async throws -> FeedPage {
        let projection = self.projection
        let checkpoints = self.checkpoints
        let store = self.store
        let batchSize = self.batchSize
        return try await store.pool.transaction { connection in
            let stored = try checkpoints.lock(projection.name, on: connection)
            let page = try store.readPage(after: stored, filter: projection.filter, limit: batchSize, on: connection)
            if !page.events.isEmpty {
                try await projection.apply(page.events, in: connection)
            }
            let next = page.nextCursor(after: stored)
            if next > stored {
                try checkpoints.save(projection.name, next, on: connection)
            }
            return page
        }
    }
}
