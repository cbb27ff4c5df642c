import PostgresClient

/// Keeps a `Projection` up to date: catch-up, then live, with its checkpoint stored in the
/// same transaction as each batch it applies.
public struct ProjectionRunner<Subject: Projection>: Sendable {
    public let projection: Subject
    public let store: EventStore
    public let checkpoints: CheckpointStore
    public let batchSize: Int

    public init(projection: Subject, store: EventStore, batchSize: Int = 500) {
        self.projection = projection
        self.store = store
        self.checkpoints = CheckpointStore(pool: store.pool)
        self.batchSize = batchSize
    }

    private var subscription: EventSubscription {
        EventSubscription(store: store, filter: projection.filter, batchSize: batchSize)
    }

    /// Applies new events as they commit, until the task is cancelled.
    public func run() async throws {
        let start = try await checkpoints.load(projection.name) ?? .start
        try await subscription.run(from: start) { batch in try await apply(batch) }
    }

    /// Applies everything deliverable now and returns.
    public func catchUp() async throws {
        let start = try await checkpoints.load(projection.name) ?? .start
        try await subscription.catchUp(from: start) { batch in try await apply(batch) }
    }

    /// Empties the read model, forgets the checkpoint and folds every event again.
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

    private func apply(_ batch: [RecordedEvent]) async throws {
        let projection = self.projection
        let checkpoints = self.checkpoints
        try await store.pool.transaction { connection in
            // Another runner of the same projection may have applied some of these already.
            let stored = try checkpoints.lock(projection.name, on: connection)
            let fresh = batch.filter { $0.cursor > stored }
            guard let last = fresh.last else { return }
            try await projection.apply(fresh, in: connection)
            try checkpoints.save(projection.name, last.cursor, on: connection)
        }
    }
}
