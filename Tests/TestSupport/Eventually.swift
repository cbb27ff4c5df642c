import Foundation

/// Waits until `condition` holds, checking again after short pauses, or fails at the deadline.
///
/// For conditions that depend on another task or process (a subscriber catching up, a child
/// printing a line); the pause is a back-off between checks, never the synchronisation itself.
public func waitUntil(
    _ description: String,
    timeout: Duration = .conditionDeadline,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    var pause: Duration = .milliseconds(1)
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw TimedOut(description: description, timeout: timeout)
        }
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .milliseconds(100))
    }
}

/// A condition that did not come true in time.
public struct TimedOut: Error, CustomStringConvertible {
    public let description: String

    public init(description: String, timeout: Duration) {
        self.description = "timed out after \(timeout) waiting for: \(description)"
    }
}

extension Duration {
    /// How long a test waits for a condition another task or process brings about before it
    /// fails: generous, because `make test` must pass on a machine busy with other work, and
    /// a condition that holds ends the wait at once, so a passing test never waits it out.
    /// Conditions that wait on the event feed wait out every older open transaction in the
    /// cluster (the no-skip read), and the suite migrates many databases at once.
    public static let conditionDeadline: Duration = .seconds(120)
}
