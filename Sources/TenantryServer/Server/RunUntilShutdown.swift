import ServiceLifecycle

/// Runs `operation` until it ends by itself or the service group shuts down (gracefully or by
/// cancellation). Being stopped that way is a clean end: whatever the interrupted operation
/// threw then (`CancellationError`, a cancelled query) is not a failure of the service.
public func runUntilShutdown(_ operation: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown(operation)
    } catch {
        if Task.isShuttingDownGracefully || Task.isCancelled { return }
        throw error
    }
}
