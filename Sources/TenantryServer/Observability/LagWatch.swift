import Synchronization

/// Since when each subscription has been more events behind the feed than readiness allows.
///
/// A subscription over the limit is either catching up (after a restart of the database, a
/// burst of writes, its own reconnection back-off) or stuck. Readiness tells them apart by time:
/// one that stays over the limit for longer than `grace` fails, one that comes back within it
/// does not, so a database coming back does not take every server out of rotation a second
/// time while their views read the backlog. Forgotten whenever the lag cannot be measured (the
/// database is away: readiness fails on that already), so the grace starts again when it is
/// back.
final class LagWatch: Sendable {
    let grace: Duration
    private let overSince = Mutex<[String: ContinuousClock.Instant]>([:])

    init(grace: Duration) {
        self.grace = grace
    }

    /// Records whether `name` is over the limit at `now`; returns for how long it has been over
    /// (zero when it is not).
    func observe(_ name: String, isOver: Bool, at now: ContinuousClock.Instant = .now) -> Duration {
        overSince.withLock { overSince in
            guard isOver else {
                overSince[name] = nil
                return .zero
            }
            let since = overSince[name] ?? now
            overSince[name] = since
            return since.duration(to: now)
        }
    }

    /// Forgets every subscription's record.
    func reset() {
        overSince.withLock { $0.removeAll() }
    }
}
