public import Logging
public import PostgresClient
import Synchronization

/// The process's feed-tip watchers, one per database, shared by every subscription on it and
/// stopped when the last one ends; and the nudges appends send them.
///
/// An append nudges this process's watcher directly and other processes' watchers with a
/// NOTIFY sent on a connection of its own outside the append's transaction, one at a time per
/// process and database and at most one per `nudgeSpacing`, the nudges that arrive meanwhile
/// coalesced into the next one. So the commits of appends never queue behind PostgreSQL's
/// notification lock, and a burst of appends costs a few NOTIFYs a second, not one per append.
public final class FeedTipWatchers: Sendable {
    /// The watchers of this process.
    public static let shared = FeedTipWatchers()

    /// A subscription's hold on its database's watcher; `release()` when done.
    public final class Lease: Sendable {
        let watcher: FeedTipWatcher
        fileprivate let key: DatabaseKey
        fileprivate let registry: FeedTipWatchers
        private let isReleased = Mutex(false)

        fileprivate init(watcher: FeedTipWatcher, key: DatabaseKey, registry: FeedTipWatchers) {
            self.watcher = watcher
            self.key = key
            self.registry = registry
        }

        /// Lets go of the watcher; the last lease stops it. Only the first call counts, so a
        /// lease can never give up another's hold.
        public func release() {
            let first = isReleased.withLock { released in
                defer { released = true }
                return !released
            }
            if first { registry.release(key, watcher) }
        }
    }

    fileprivate struct DatabaseKey: Hashable {
        let connectionString: String
        let database: String?

        init(_ configuration: PostgresConfiguration) {
            connectionString = configuration.connectionString
            database = configuration.database
        }
    }

    private struct Running {
        let watcher: FeedTipWatcher
        let task: Task<Void, Never>
        var leases: Int
    }

    private struct Nudging {
        var isSending = false
        var isPending = false
    }

    private struct State {
        var running: [DatabaseKey: Running] = [:]
        var nudging: [DatabaseKey: Nudging] = [:]
    }

    private let state = Mutex(State())

    /// The least time between two NOTIFY nudges of one process to one database.
    static let nudgeSpacing: Duration = .milliseconds(50)

    /// The watcher of `pool`'s database, started if this is its first lease. It connects with
    /// `pool`'s configuration.
    public func lease(for pool: PostgresPool, logger: Logger) -> Lease {
        let key = DatabaseKey(pool.configuration)
        let watcher = state.withLock { state -> FeedTipWatcher in
            if var running = state.running[key] {
                running.leases += 1
                state.running[key] = running
                return running.watcher
            }
            let watcher = FeedTipWatcher(configuration: pool.configuration, logger: logger)
            let task = Task { await watcher.run() }
            state.running[key] = Running(watcher: watcher, task: task, leases: 1)
            return watcher
        }
        return Lease(watcher: watcher, key: key, registry: self)
    }

    /// How many watchers run in this process (one per database followed).
    public var count: Int { state.withLock { $0.running.count } }

    private func release(_ key: DatabaseKey, _ watcher: FeedTipWatcher) {
        let stopped = state.withLock { state -> Task<Void, Never>? in
            // A lease of a watcher since stopped and replaced holds nothing of the new one.
            guard var running = state.running[key], running.watcher === watcher else { return nil }
            running.leases -= 1
            if running.leases > 0 {
                state.running[key] = running
                return nil
            }
            state.running[key] = nil
            return running.task
        }
        stopped?.cancel()
    }

    /// Tells the watchers of `pool`'s database, in this process and in others, that an append
    /// is being committed. Never waits: the NOTIFY goes out on its own task.
    public func nudge(_ pool: PostgresPool) {
        let key = DatabaseKey(pool.configuration)
        let (local, sendNow) = state.withLock { state -> (FeedTipWatcher?, Bool) in
            var nudging = state.nudging[key, default: Nudging()]
            defer { state.nudging[key] = nudging }
            let local = state.running[key]?.watcher
            if nudging.isSending {
                nudging.isPending = true
                return (local, false)
            }
            nudging.isSending = true
            return (local, true)
        }
        local?.nudge()
        guard sendNow else { return }
        Task { await self.sendNudges(key: key, pool: pool) }
    }

    /// Sends one NOTIFY at once, then at most one per `nudgeSpacing` while nudges keep coming:
    /// a nudged watcher stays busy for `FeedTipWatcher.nudgeWindow`, longer than the spacing,
    /// so more would wake nobody sooner. On a connection of its own for the burst, never one of
    /// the pool's: a nudge must not take a connection an append or a saga is waiting for.
    private func sendNudges(key: DatabaseKey, pool: PostgresPool) async {
        var connection: PostgresConnection?
        while true {
            // Best effort: a watcher that misses it sees the commit within its idle interval.
            do {
                if connection == nil {
                    connection = try await PostgresConnection.connect(pool.configuration)
                }
                try await connection?.query(EventStoreStatements.nudgeWatchers)
            } catch {
                await connection?.close()
                connection = nil
            }
            try? await Task.sleep(for: Self.nudgeSpacing)
            let again = state.withLock { state -> Bool in
                guard var nudging = state.nudging[key] else { return false }
                defer { state.nudging[key] = nudging.isSending ? nudging : nil }
                nudging.isSending = nudging.isPending
                nudging.isPending = false
                return nudging.isSending
            }
            if !again { break }
        }
        await connection?.close()
    }
}
