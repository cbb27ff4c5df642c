import Logging
import PostgresClient
import Synchronization

/// One per process and database: probes `tenantry.feed_tip` on a connection of its own and
/// wakes every subscription waiting on it when the tip moves, so no subscription polls and no
/// append sends a notification in its transaction.
///
/// It probes every `busyInterval` while the feed moves and backs off, doubling, to
/// `idleInterval` while it does not. A nudge — an append in this process, or a NOTIFY on
/// `EventLog.notificationChannel` that another process's nudge sent outside its append
/// transaction — brings it back to the busy interval at once for `nudgeWindow`, long enough to
/// see the nudging transaction commit. Appends from clients that do not nudge (psql, pgbench)
/// are seen within `idleInterval`. A probe that sees new positions also looks at the database's
/// oldest writing transaction, and keeps watching it until no writer runs: its end is the
/// commit (or rollback) that makes events deliverable. So does a probe while a subscription
/// waits for events held back by a still-running transaction.
///
/// Get one through `FeedTipWatchers.lease(for:logger:)`.
public final class FeedTipWatcher: Sendable {
    /// The probe interval while the feed moves or after a nudge.
    public static let busyInterval: Duration = .milliseconds(1)
    /// The longest probe interval, reached after the feed has been still for a while.
    public static let idleInterval: Duration = .milliseconds(50)
    /// How long a nudge keeps the watcher at `busyInterval`.
    public static let nudgeWindow: Duration = .milliseconds(200)

    private struct State {
        var connection: PostgresConnection?
        var fastUntil: ContinuousClock.Instant = .now
        var writerWatchers = 0
    }

    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let changes = ChangeSignal()
    private let state = Mutex(State())

    init(configuration: PostgresConfiguration, logger: Logger) {
        var configuration = configuration
        configuration.applicationName = Self.applicationName
        self.configuration = configuration
        self.logger = logger
    }

    /// How the watcher's session shows in `pg_stat_activity`.
    public static let applicationName = "tenantry feed watcher"

    /// A counter that moves each time the probe saw the tip change. Read it before reading the
    /// feed, then wait with `waitForChange(after:until:watchingWriters:)`: a commit after the
    /// read moves it.
    var version: UInt64 { changes.version }

    /// Returns once the tip moved past `version`, at `deadline`, or when the task is cancelled.
    /// `watchingWriters` (while events are held back) has the probe watch the oldest writer too.
    func waitForChange(after version: UInt64, until deadline: ContinuousClock.Instant, watchingWriters: Bool) async {
        guard watchingWriters else {
            await changes.wait(after: version, until: deadline)
            return
        }
        state.withLock { $0.writerWatchers += 1 }
        nudge()
        await changes.wait(after: version, until: deadline)
        state.withLock { $0.writerWatchers -= 1 }
    }

    /// Something was (or is about to be) committed: probe at the busy interval for a while,
    /// starting now.
    func nudge() {
        let connection = state.withLock { state in
            state.fastUntil = .now + Self.nudgeWindow
            return state.connection
        }
        connection?.interruptWait()
    }

    /// Probes until the task is cancelled. A lost connection is reopened with back-off; every
    /// waiter is woken then, so subscriptions read again (and meet the outage themselves).
    func run() async {
        var interval = Self.busyInterval
        var lastTip: FeedTip?
        var reconnectDelay = Self.minimumReconnectDelay
        while !Task.isCancelled {
            do {
                let connection = try await connected()
                // A writer seen running stays watched until its end moves the oldest writer on.
                let watchWriters = lastTip?.oldestWriter != nil || state.withLock { $0.writerWatchers > 0 }
                let tip = try await probe(on: connection, knownPosition: lastTip?.lastPosition ?? -1, watchingWriters: watchWriters)
                reconnectDelay = Self.minimumReconnectDelay
                if tip != lastTip {
                    // The first probe signals too: a subscription may have read the feed
                    // before it, and a commit since then is only in this probe's tip.
                    changes.signal()
                    lastTip = tip
                    interval = Self.busyInterval
                } else {
                    interval = min(interval * 2, Self.idleInterval)
                }
                let isFast = state.withLock { $0.fastUntil > .now || $0.writerWatchers > 0 }
                let wait = isFast ? Self.busyInterval : interval
                let nudged = try await connection.notifications(timeout: wait)
                if !nudged.isEmpty {
                    state.withLock { $0.fastUntil = .now + Self.nudgeWindow }
                }
            } catch {
                if Task.isCancelled { break }
                logger.debug("feed watcher lost its connection; reconnecting", metadata: ["error": "\(error)"])
                await dropConnection()
                lastTip = nil
                changes.signal()
                try? await Task.sleep(for: reconnectDelay * Double.random(in: 0.5...1.0))
                reconnectDelay = min(reconnectDelay * 2, Self.maximumReconnectDelay)
            }
        }
        await dropConnection()
    }

    private func connected() async throws -> PostgresConnection {
        if let connection = state.withLock({ $0.connection }) { return connection }
        let connection = try await PostgresConnection.connect(configuration, logger: logger)
        do {
            try await connection.listen(EventLog.notificationChannel)
        } catch {
            await connection.close()
            throw error
        }
        state.withLock { $0.connection = connection }
        return connection
    }

    private func probe(on connection: PostgresConnection, knownPosition: Int64, watchingWriters: Bool) async throws -> FeedTip {
        let query = EventStoreStatements.feedTip(knownPosition: knownPosition, watchingWriters: watchingWriters)
        guard let row = try await connection.query(query).rows.first else {
            throw EventStoreError.database(.misuse("feed_tip returned no row"))
        }
        let (lastPosition, oldestWriter) = try row.decode((Int64, Int64?).self)
        return FeedTip(lastPosition: lastPosition, oldestWriter: oldestWriter)
    }

    private func dropConnection() async {
        let connection = state.withLock { state in
            defer { state.connection = nil }
            return state.connection
        }
        await connection?.close()
    }

    static let minimumReconnectDelay: Duration = .milliseconds(100)
    static let maximumReconnectDelay: Duration = .seconds(5)
}
