import Synchronization

/// A request to stop between units of work, set from a cancellation handler and read by work
/// that runs in a task of its own (so that cancellation cannot cut a unit in half) to stop
/// before starting the next unit.
final class StopRequest: Sendable {
    private let requested = Mutex(false)

    var isRequested: Bool { requested.withLock { $0 } }

    func request() {
        requested.withLock { $0 = true }
    }
}
