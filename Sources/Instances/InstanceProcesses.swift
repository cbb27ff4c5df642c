public import Foundation

/// Starts and stops the processes that serve instances. `LocalInstanceProcesses` runs them on
/// this machine; the workflows take any, so they can be exercised without starting servers.
public protocol InstanceProcesses: Sendable {
    /// Starts release `release` (`binary`) of the instance whose files are `files` on `port`;
    /// returns once it is ready, or throws `InstanceError.notReady` when it does not become
    /// ready within `timeout`.
    func start(files: InstanceFiles, slug: String, port: Int, release: String, binary: URL, timeout: Duration) async throws -> InstanceEvent.Started

    /// Stops the process gracefully; nothing when it is not running.
    func stop(processID: Int32, slug: String) async throws

    /// Whether the process recorded for `slug` still runs.
    func isRunning(processID: Int32, slug: String) -> Bool

    /// Whether the instance on `port` answers that it is ready.
    func isReady(port: Int) async -> Bool
}
