import Synchronization

/// Hands out process-unique connection numbers, for logs and thread names.
final class ConnectionCounter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
