import EventStore
import Foundation
public import Logging

/// Drives the provisioning saga from the event feed: every tenant whose stream shows it still
/// `provisioning` gets the saga run (or resumed) for it.
///
/// It follows the control-plane tenant streams from its checkpoint (`provisioning-saga`), so
/// a tenant registered while no runner was up, or whose `tenant create` died half-way, is
/// finished when a runner next starts. The saga itself makes a second run harmless.
///
/// One tenant never holds the others up: a run that ends in an error (other than the
/// platform's database being away) is logged and left to the sweep, and the checkpoint moves
/// on. The sweep (every `sweepInterval`) runs the saga again for every tenant
/// the registry shows still `provisioning` or `failed` with a compensation owed: a run that
/// gave up while the database was away, a dedicated database to drop once its cluster is back.
public struct ProvisioningProcessManager: Sendable {
    public static let checkpointName = "provisioning-saga"

    public let saga: ProvisioningSaga
    /// How often the sweep looks for tenants left unfinished.
    public let sweepInterval: Duration
    private let logger: Logger

    public init(
        saga: ProvisioningSaga,
        sweepInterval: Duration = .seconds(30),
        logger: Logger = Logger(label: "tenantry.provisioning.runner")
    ) {
        self.saga = saga
        self.sweepInterval = sweepInterval
        self.logger = logger
        registry = ProjectionRunner(projection: TenantsProjection(store: saga.tenants.store), store: saga.tenants.store)
    }

    private var store: EventLog { saga.tenants.store }

    private var subscription: EventSubscription {
        EventSubscription(store: store, filter: EventFilter(tenantID: ControlPlane.tenantID, categories: ["tenant"]))
    }

    /// The tenant registry, which the sweep reads (caught up first). One runner for the
    /// manager's life, so that its catch-ups share runs.
    private let registry: ProjectionRunner<TenantsProjection>

    /// Follows the feed, and sweeps every `sweepInterval`, until the task is cancelled.
    ///
    /// Cancellation (a server's shutdown) stops it between batches, never inside one: a batch
    /// runs to its end in a task of its own and its checkpoint is saved, so the runner stops at
    /// a checkpoint and a restart redoes nothing. Cancellation interrupts only the waiting.
    /// While the database is away it waits and starts again from its checkpoint.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await followFeed() }
            group.addTask { await sweepPeriodically() }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Provisions every tenant the feed shows waiting, up to now, then sweeps for tenants left
    /// unfinished; returns how many it ran the saga for.
    @discardableResult
    public func runPending() async throws -> Int {
        let checkpoints = CheckpointStore(pool: store.pool)
        let start = try await checkpoints.load(Self.checkpointName) ?? .start
        var finished = 0
        let end = try await subscription.catchUp(from: start) { batch in
            finished += try await handle(batch)
        }
        try await checkpoints.save(Self.checkpointName, end)
        return finished + (try await sweep())
    }

    /// Runs the saga again for every tenant the registry shows `provisioning`, or `failed`
    /// with a compensation owed; returns how many it ran it for. One tenant's error is logged
    /// and does not stop the others; the platform's database being away ends the sweep.
    @discardableResult
    public func sweep() async throws -> Int {
        try await sweep(stoppingAt: StopRequest())
    }

    /// `sweep()`, stopping before the next tenant once `stop` is requested; the registry is
    /// caught up first unless the caller did.
    private func sweep(stoppingAt stop: StopRequest, catchingUp: Bool = true) async throws -> Int {
        if catchingUp { try await registry.catchUpWithCommittedWrites() }
        var finished = 0
        for tenant in try await TenantSummary.needingProvisioning(on: store.pool) {
            if stop.isRequested { break }
            if try await provision(tenant) { finished += 1 }
        }
        return finished
    }

    private func followFeed() async throws {
        let checkpoints = CheckpointStore(pool: store.pool)
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                let start = try await checkpoints.load(Self.checkpointName) ?? .start
                try await subscription.run(from: start) { [self] batch in
                    try await Task {
                        try await handle(batch)
                        if let last = batch.last { try await checkpoints.save(Self.checkpointName, last.cursor) }
                    }.value
                    try Task.checkCancellation()
                    delay = .milliseconds(100)
                }
                return
            } catch where !Task.isCancelled && ProvisioningErrorKind(error) == .platformUnavailable {
                logger.warning("provisioning runner: the database is unavailable; starting again from the checkpoint", metadata: ["error": "\(error)"])
                do {
                    try await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
                } catch {
                    return
                }
                delay = min(delay * 2, .seconds(5))
            } catch is CancellationError {
                return
            }
        }
    }

    /// Sweeps every `sweepInterval`, the first time one interval after the start (the feed
    /// handles what its checkpoint has not seen first).
    private func sweepPeriodically() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: sweepInterval)
            } catch {
                return
            }
            do {
                // A shutdown cancels this task: the catch-up stops waiting at once, and the run,
                // with no caller left, stops between pages.
                try await registry.catchUpWithCommittedWrites()
                // The saga runs in a task of its own, so a shutdown lets the run it is in
                // finish; then it stops before the next tenant.
                let stop = StopRequest()
                let finished = try await withTaskCancellationHandler {
                    try await Task { try await sweep(stoppingAt: stop, catchingUp: false) }.value
                } onCancel: {
                    stop.request()
                }
                if finished > 0 { logger.info("provisioning sweep", metadata: ["tenants": "\(finished)"]) }
            } catch {
                if Task.isCancelled { return }
                logger.warning("provisioning sweep stopped; it runs again later", metadata: ["error": "\(error)"])
            }
        }
    }

    @discardableResult
    private func handle(_ batch: [RecordedEvent]) async throws -> Int {
        var tenants: [UUID] = []
        for event in batch where Self.wakingTypes.contains(event.type) {
            guard let id = UUID(uuidString: String(event.stream.dropFirst("tenant-".count))), !tenants.contains(id) else { continue }
            tenants.append(id)
        }
        var finished = 0
        for tenant in tenants {
            if try await provision(tenant) { finished += 1 }
        }
        return finished
    }

    /// The events after which a tenant may need the saga run.
    private static let wakingTypes: Set<String> = ["TenantRegistered", "ProvisioningStepCompleted", "TenantProvisioningRetried"]

    /// Runs the saga for one tenant if it has work left; true when it ran. Rethrows only the
    /// platform's database being away and cancellation; any other error is this tenant's,
    /// logged and left to the sweep.
    private func provision(_ tenant: UUID) async throws -> Bool {
        do {
            guard let state = try await saga.tenants.load(tenant),
                  state.status == .provisioning || (state.status == .failed && !state.compensationsOwed.isEmpty)
            else { return false }
            let outcome = try await saga.run(tenant)
            logger.info("provisioned", metadata: ["tenant": "\(outcome.tenant.slug)", "state": "\(outcome.tenant.status)"])
            return true
        } catch where [ProvisioningErrorKind.interrupted, .platformUnavailable].contains(ProvisioningErrorKind(error)) {
            throw error
        } catch {
            logger.error("provisioning run failed; the sweep tries again", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            return false
        }
    }
}
