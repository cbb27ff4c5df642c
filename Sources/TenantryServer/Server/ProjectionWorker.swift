public import EventStore
public import ServiceLifecycle

/// Keeps a projection's read model current for as long as the server runs: its runner's
/// `run()` (catch up, then follow the feed, woken by the process's feed-tip watcher), stopped
/// on graceful shutdown. Each page is applied with its checkpoint in one transaction, so a
/// command that catches the same projection up meanwhile takes turns with it on the
/// checkpoint's lock and no event is applied twice. A failure that is not an outage (an event
/// the projection cannot fold) is logged and the runner started again after a pause, from its
/// checkpoint: the read model stalls, which readiness reports as lag, but the server keeps
/// serving.
public struct ProjectionWorker<Subject: Projection>: Service, CustomStringConvertible {
    public let runner: ProjectionRunner<Subject>
    /// How long a burst of commits may gather before the runner reads it as one page.
    public let gathering: Duration

    public init(runner: ProjectionRunner<Subject>, gathering: Duration = .zero) {
        self.runner = runner
        self.gathering = gathering
    }

    /// Follows the feed until the server shuts down.
    public func run() async throws {
        try await runUntilShutdown(restartingOnAnyError: true) { [runner, gathering] in try await runner.run(gathering: gathering) }
    }

    public var description: String { "Projection(\(runner.projection.name))" }
}
