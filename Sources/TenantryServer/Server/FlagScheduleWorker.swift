public import FeatureFlags
public import ServiceLifecycle

/// Applies scheduled flag changes when they fall due (and, at start, those that fell due while
/// no server ran), until the server shuts down.
public struct FlagScheduleWorker: Service, CustomStringConvertible {
    public let scheduler: FlagScheduler

    public init(scheduler: FlagScheduler) {
        self.scheduler = scheduler
    }

    public func run() async throws {
        try await runUntilShutdown { [scheduler] in await scheduler.run() }
    }

    public var description: String { "FlagScheduler" }
}
