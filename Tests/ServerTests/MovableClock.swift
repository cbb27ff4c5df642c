import Synchronization

/// A clock for code that takes `now` as a function: the continuous clock's time plus an offset
/// the test moves on, so expiry is tested without waiting for it.
final class MovableClock: Sendable {
    private let offset = Mutex<Duration>(.zero)

    /// The time as the code under test sees it.
    @Sendable func now() -> ContinuousClock.Instant {
        ContinuousClock.now + offset.withLock { $0 }
    }

    /// Moves the time on by `duration`.
    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }
}
