public import Logging

/// An idempotent check run at once and then every `interval` until its task is cancelled: the
/// loop behind the flag schedule and trial expiry, which a long-running process runs beside its
/// live views and subscriptions. A failed check is logged and simply tried again at the next
/// tick, which is why the check must be safe to repeat.
///
/// It has nothing to do with events. It lives here because this is the lowest module its users
/// share: `FlagScheduler` (FeatureFlags) and `TrialExpiryScheduler` (Tenantry) both build on the
/// event store, and the only lower module, PostgresClient, is a database client; a module of its
/// own for one loop would cost more than it says. `PeriodicCheckWorker` (TenantryServer) runs it
/// as a service.
public struct PeriodicCheck: Sendable {
    /// What the log says failed (`"trial expiry check"`, …).
    public let name: String
    public let interval: Duration
    private let check: @Sendable () async throws -> Void
    private let logger: Logger

    public init(name: String, interval: Duration, logger: Logger, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.check = check
    }

    /// Checks at once, then every `interval`, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await check()
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
