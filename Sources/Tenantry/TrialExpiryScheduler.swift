public import EventStore
public import Foundation
public import Logging

/// Ends due trials by itself: every `interval`, the trial-expiry check (TrialExpired, then the
/// plan the trial falls back to). A long-running process (the server) runs it beside its other
/// services; it stops when its task is cancelled.
public struct TrialExpiryScheduler: Sendable {
    public let administration: TenantAdministration
    public let interval: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        administration: TenantAdministration,
        interval: Duration = .seconds(60),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tenantry.trials")
    ) {
        self.administration = administration
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Checks at once, then every `interval`, until cancelled. A failed check is logged and
    /// tried again at the next tick: the check is idempotent.
    public func run() async {
        await periodicCheck.run()
    }

    /// The loop `run()` runs, for a process that runs it as a service (`PeriodicCheckWorker`).
    public var periodicCheck: PeriodicCheck {
        PeriodicCheck(name: "trial expiry check", interval: interval, logger: logger) { [administration, now, logger] in
            let expired = try await administration.expireDueTrials(at: now())
            if !expired.isEmpty { logger.info("trials expired", metadata: ["count": "\(expired.count)"]) }
        }
    }
}
