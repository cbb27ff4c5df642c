extension PostgresConnection {
    /// What a pool's use of a connection came to, learned in one visit to its thread.
    enum PoolVisit<Value: Sendable>: Sendable {
        /// The connection had sat idle and was found broken; `body` did not run.
        case broken
        /// `body` ran; `reusable` says whether the connection may serve the next caller.
        case ran(Result<Value, any Error>, reusable: Bool)
    }

    /// Runs `body` for a pool with the pool's own checks in the same visit to the connection's
    /// thread: its health before (for a connection that sat idle) and whether it may be reused
    /// after (which includes waiting for a cancel request it sent to be delivered). Each visit
    /// is a switch to that thread and back, and on a busy machine every switch waits for the
    /// scheduler: an append made four visits before, and now makes one.
    func visit<Value: Sendable>(
        checkingHealth: Bool,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async -> PoolVisit<Value> {
        if checkingHealth, !isHealthy() { return .broken }
        // A wake-up left by the previous caller's cancellation must not cut this caller's wait short.
        discardPendingWakeUp()
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(self))
        } catch {
            result = .failure(error)
        }
        // Not reusable while a cancel it sent may still arrive (`isReusable` waits for it).
        return .ran(result, reusable: isReusable())
    }
}
