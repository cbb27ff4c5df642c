import ServiceLifecycle
import TenantryServer

/// One command's work as a service, for `SignalledShutdown`: ended cleanly by the group's
/// shutdown.
struct CommandWorker: Service, CustomStringConvertible {
    let description: String
    let operation: @Sendable () async throws -> Void

    func run() async throws {
        try await runUntilShutdown(operation)
    }
}
