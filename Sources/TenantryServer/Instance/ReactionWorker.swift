import Extensions
import ServiceLifecycle

/// Runs one of the customization's reactions for the life of the server: its own subscription
/// and checkpoint, stopped (checkpoint saved) on graceful shutdown.
struct ReactionWorker: Service, CustomStringConvertible {
    let runner: ReactionRunner

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await runner.run()
        }
    }

    var description: String { "Reaction(\(runner.checkpointName))" }
}
