public import EventStore
public import ServiceLifecycle

/// Runs a `PeriodicCheck` until the process shuts down: the flag schedule
/// (`FlagScheduler.periodicCheck`) and trial expiry (`TrialExpiryScheduler.periodicCheck`), in
/// the server and in `tenant worker`.
public struct PeriodicCheckWorker: Service, CustomStringConvertible {
    public let check: PeriodicCheck

    public init(_ check: PeriodicCheck) {
        self.check = check
    }

    public func run() async throws {
        try await runUntilShutdown { [check] in await check.run() }
    }

    public var description: String { check.name }
}
