public import ServiceLifecycle
public import Tenantry

/// Ends due trials on the scheduler's interval, as `tenant worker` does, until the server
/// shuts down.
public struct TrialExpiryWorker: Service, CustomStringConvertible {
    public let scheduler: TrialExpiryScheduler

    public init(scheduler: TrialExpiryScheduler) {
        self.scheduler = scheduler
    }

    public func run() async throws {
        try await runUntilShutdown { [scheduler] in await scheduler.run() }
    }

    public var description: String { "TrialExpiryScheduler" }
}
