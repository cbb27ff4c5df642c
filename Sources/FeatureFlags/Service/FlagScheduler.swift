public import EventStore
public import Foundation
public import Logging

/// Applies scheduled flag changes when they fall due, whether or not anyone is watching: a
/// long-running process (the server) runs it beside its other services. A change that fell
/// due while nothing ran is applied at the next start.
public struct FlagScheduler: Sendable {
    public let flags: FlagService
    /// The server's live catalog, to see what is due without reading the store each tick.
    public let catalog: LiveView<FlagCatalog>?
    public let interval: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        flags: FlagService,
        catalog: LiveView<FlagCatalog>? = nil,
        interval: Duration = .seconds(1),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tenantry.flags.scheduler")
    ) {
        self.flags = flags
        self.catalog = catalog
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Checks at once, then every `interval`, until cancelled. A failed check is logged and
    /// tried again at the next tick: applying a change is idempotent.
    public func run() async {
        await periodicCheck.run()
    }

    /// The loop `run()` runs, for a process that runs it as a service (`PeriodicCheckWorker`).
    public var periodicCheck: PeriodicCheck {
        PeriodicCheck(name: "scheduled flag changes", interval: interval, logger: logger) { [flags, catalog, now, logger] in
            for (key, change, outcome) in try await flags.applyDueChanges(at: now(), knownFrom: catalog?.state) {
                switch outcome {
                case .applied:
                    logger.info("scheduled flag change applied", metadata: ["flag": "\(key)", "change": "\(change.action)"])
                case .cancelled(let reason):
                    logger.error("scheduled flag change cancelled", metadata: ["flag": "\(key)", "change": "\(change.action)", "reason": "\(reason)"])
                }
            }
        }
    }
}
