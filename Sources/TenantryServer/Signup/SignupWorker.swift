public import ServiceLifecycle

/// Keeps the signups' provisioning runs inside the server's lifetime: on graceful shutdown
/// (after the HTTP server stopped, which it follows in the group) the coordinator starts no
/// more and this waits for the runs in flight, so no signup is cut off half-way while the
/// databases are still there. Cancelled (the shutdown took too long), it cancels them.
public struct SignupWorker: Service, CustomStringConvertible {
    public let coordinator: SignupCoordinator

    public init(coordinator: SignupCoordinator) {
        self.coordinator = coordinator
    }

    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled rather than shut down gracefully: the runs are cancelled by `drain`,
            // as this task already is.
        }
        await coordinator.drain()
    }

    public var description: String { "SignupCoordinator" }
}
