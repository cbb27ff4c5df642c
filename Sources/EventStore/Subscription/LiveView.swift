import Atomics
public import Logging
import Synchronization

/// An in-memory projection kept current by a subscription: readers take the latest state with
/// one atomic load (no lock, no I/O); one writer folds events into a copy and publishes it.
///
/// `run()` catches up from the start of the feed and then follows it, woken by the process's
/// feed-tip watcher, so a change committed in another process is visible within milliseconds of
/// its commit. Readers
/// that need "at least as new as this write" wait with `waitUntil(covers:)`.
public final class LiveView<State: Sendable>: Sendable {
    /// One published state. Immutable, so sharing it between threads is safe.
    private final class Published: AtomicReference, Sendable {
        let state: State
        let cursor: GlobalCursor
        let isCaughtUp: Bool

        init(state: State, cursor: GlobalCursor, isCaughtUp: Bool) {
            self.state = state
            self.cursor = cursor
            self.isCaughtUp = isCaughtUp
        }
    }

    public typealias Fold = @Sendable (inout State, RecordedEvent) throws -> Void

    public let store: EventLog
    public let filter: EventFilter
    private let fold: Fold
    private let logger: Logger
    private let published: ManagedAtomic<Published>
    /// Serialises writers (normally one `run()`; `catchUp()` may be called beside it).
    private let writer = Mutex<Void>(())
    private let changes = ChangeSignal()

    /// A view over `store`'s events matching `filter`, starting from `initial`.
    public init(
        store: EventLog,
        filter: EventFilter,
        initial: State,
        logger: Logger = Logger(label: "tenantry.live-view"),
        fold: @escaping Fold
    ) {
        self.store = store
        self.filter = filter
        self.logger = logger
        self.fold = fold
        self.published = ManagedAtomic(Published(state: initial, cursor: .start, isCaughtUp: false))
    }

    /// The latest published state.
    public var state: State { published.load(ordering: .acquiring).state }

    /// The feed position the state covers.
    public var cursor: GlobalCursor { published.load(ordering: .acquiring).cursor }

    /// Whether the view has read everything that was deliverable at least once (readiness).
    public var isCaughtUp: Bool { published.load(ordering: .acquiring).isCaughtUp }

    /// Follows the feed until the task is cancelled; rethrows what reading the feed throws
    /// (lost connections are retried by the subscription). The feed-tip watcher wakes it; `idleRecheck`
    /// is only a safety net.
    public func run(batchSize: Int = 1000, idleRecheck: Duration = .seconds(30)) async throws {
        let subscription = EventSubscription(store: store, filter: filter, batchSize: batchSize, idleRecheck: idleRecheck, logger: logger)
        try await subscription.follow {
            try await step(limit: batchSize)
        }
    }

    /// Reads and folds everything deliverable now. Cancellation stops it between pages (the
    /// state published so far stays), throwing `CancellationError`.
    public func catchUp(batchSize: Int = 1000) async throws {
        while try await step(limit: batchSize).isFull {
            try Task.checkCancellation()
        }
    }

    /// Reads and folds everything committed now: as `catchUp`, and while committed events wait
    /// behind an older transaction still running (the feed hands out nothing past it), reads
    /// again after a short pause until they are delivered or `timeout` has passed. A server
    /// starts with this, so what was committed before it started (a key, a flag, a token) is in
    /// its views from its first request.
    public func catchUpWithCommittedWrites(batchSize: Int = 1000, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(1)
        while true {
            try Task.checkCancellation()
            let page = try await step(limit: batchSize)
            if page.isFull { continue }
            guard page.hasHeldBackEvents, ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Waits until `condition` holds for the published state, or the deadline passes;
    /// returns whether it holds. Woken by each publication, never by polling.
    public func waitUntil(timeout: Duration, _ condition: (State) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let version = changes.version
            if condition(state) { return true }
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            await changes.wait(after: version, until: deadline)
        }
    }

    /// Publishes `change` applied to the current state at the same cursor: for a writer that
    /// knows a newer truth than the feed has delivered yet (its own committed write), so its
    /// next read sees it. `change` must agree with what folding the feed will later produce.
    public func amend(_ change: (inout State) -> Void) {
        writer.withLock { _ in
            let latest = published.load(ordering: .acquiring)
            var state = latest.state
            change(&state)
            published.store(Published(state: state, cursor: latest.cursor, isCaughtUp: latest.isCaughtUp), ordering: .releasing)
        }
        changes.signal()
    }

    /// Reads the page after the published cursor and publishes the state with it folded in.
    /// When another writer published meanwhile, it reads again from that writer's cursor, so
    /// the page it returns is always one it folded (a caller deciding it is caught up is right).
    ///
    /// A state is only ever published between transactions: a page cut by its limit in the
    /// middle of a transaction is folded up to the transaction before it (the rest comes with
    /// the next page), and a transaction larger than a page is read whole. So a reader never
    /// sees half of an import or of a flag's definition.
    private func step(limit: Int) async throws -> FeedPage {
        while true {
            let current = published.load(ordering: .acquiring)
            var readLimit = limit
            var page: FeedPage
            var complete: ArraySlice<RecordedEvent>
            repeat {
                page = try await store.readPage(after: current.cursor, filter: filter, limit: readLimit)
                complete = Self.wholeTransactions(of: page)
                readLimit *= 2
            } while complete.isEmpty && page.isFull
            let nextCursor = page.isFull ? complete.last?.cursor ?? current.cursor : page.nextCursor(after: current.cursor)
            let folded = writer.withLock { _ -> Bool in
                let latest = published.load(ordering: .acquiring)
                guard latest.cursor == current.cursor else { return false }
                var state = latest.state
                for event in complete {
                    // One event this version cannot fold must not stop the view (and the server
                    // with it): it is logged and skipped.
                    do {
                        try fold(&state, event)
                    } catch {
                        logger.error(
                            "live view skipped an event it cannot fold",
                            metadata: ["position": "\(event.position)", "type": "\(event.type)", "error": "\(error)"]
                        )
                    }
                }
                published.store(
                    Published(state: state, cursor: nextCursor, isCaughtUp: latest.isCaughtUp || !page.isFull),
                    ordering: .releasing
                )
                return true
            }
            guard folded else { continue }
            changes.signal()
            return page
        }
    }

    /// The page's events that belong to transactions it holds whole: all of a short page;
    /// of a full page, all but the last transaction's, which may go on past the limit.
    static func wholeTransactions(of page: FeedPage) -> ArraySlice<RecordedEvent> {
        guard page.isFull, let last = page.events.last else { return page.events[...] }
        let end = page.events.lastIndex { $0.cursor.transactionID != last.cursor.transactionID }.map { $0 + 1 } ?? 0
        return page.events[..<end]
    }
}
