public import Logging
import ServiceLifecycle

/// Runs `operation` until the service group shuts down (gracefully or by cancellation).
///
/// Being stopped that way is a clean end: whatever the interrupted operation threw then
/// (`CancellationError`, a cancelled query) is not a failure of the service. A database outage
/// (a lost connection, every pooled connection busy, no answer in time) is not one either: the
/// operation is started again after a pause (100 ms, doubling to 5 s), since a worker that threw
/// would end its whole service group, HTTP server included. Any other error ends the service,
/// unless `restartingOnAnyError`: then it is logged as an error and the operation started again
/// after the same pause (for a worker whose failure must not take the server down with it).
public func runUntilShutdown(
    logger: Logger = Logger(label: "tenantry.server.workers"),
    restartingOnAnyError: Bool = false,
    _ operation: @escaping @Sendable () async throws -> Void
) async throws {
    var pause: Duration = .milliseconds(100)
    while true {
        do {
            try await cancelWhenGracefulShutdown(operation)
            return
        } catch {
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            if DatabaseOutage.explains(error) {
                logger.warning("a background worker met a database outage; starting it again", metadata: [
                    "error": "\(error)", "pause": "\(pause)",
                ])
            } else if restartingOnAnyError {
                logger.error("a background worker failed; starting it again", metadata: [
                    "error": "\(error)", "pause": "\(pause)",
                ])
            } else {
                throw error
            }
        }
        let wait = pause
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        } catch {
            return
        }
        if Task.isShuttingDownGracefully || Task.isCancelled { return }
        pause = min(pause * 2, .seconds(5))
    }
}
