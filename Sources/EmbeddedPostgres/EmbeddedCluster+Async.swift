import Foundation

/// The blocking operations again, for async code: each runs on a thread of its own, because
/// initdb, pg_ctl and the start-up lock can block for seconds and must not hold one of the
/// cooperative pool's few threads meanwhile.
extension EmbeddedCluster {
    @discardableResult
    public func start() async throws -> Status {
        try await Self.onOwnThread { try self.start() }
    }

    public func stop() async throws {
        try await Self.onOwnThread { try self.stop() }
    }

    public func restart() async throws {
        try await Self.onOwnThread { try self.restart() }
    }

    public func destroy() async throws {
        try await Self.onOwnThread { try self.destroy() }
    }

    private static func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try work() })
            }
            thread.name = "tenantry-embedded-postgres"
            thread.start()
        }
    }
}
