import EventStore
import Foundation
public import Logging

/// Drives the provisioning saga from the event feed: every tenant whose stream shows it still
/// `provisioning` gets the saga run (or resumed) for it.
///
/// It follows the control-plane tenant streams from its checkpoint (`provisioning-saga`), so
/// a tenant registered while no runner was up, or whose `tenant create` died half-way, is
/// finished when a runner next starts. The saga itself makes a second run harmless.
public struct ProvisioningProcessManager: Sendable {
    public static let checkpointName = "provisioning-saga"

    public let saga: ProvisioningSaga
    private let logger: Logger

    public init(saga: ProvisioningSaga, logger: Logger = Logger(label: "tenantry.provisioning.runner")) {
        self.saga = saga
        self.logger = logger
    }

    private var store: EventStore { saga.tenants.store }

    private var subscription: EventSubscription {
        EventSubscription(store: store, filter: EventFilter(tenantID: ControlPlane.tenantID, categories: ["tenant"]))
    }

    /// Follows the feed until the task is cancelled.
    ///
    /// Cancellation (a server's shutdown) stops it between batches, never inside one: a batch
    /// runs to its end in a task of its own and its checkpoint is saved, so the runner stops at
    /// a checkpoint and a restart redoes nothing. Cancellation interrupts only the waiting.
    public func run() async throws {
        let checkpoints = CheckpointStore(pool: store.pool)
        let start = try await checkpoints.load(Self.checkpointName) ?? .start
        try await subscription.run(from: start) { [self] batch in
            try await Task {
                try await handle(batch)
                if let last = batch.last { try await checkpoints.save(Self.checkpointName, last.cursor) }
            }.value
            try Task.checkCancellation()
        }
    }

    /// Provisions every tenant the feed shows waiting, up to now; returns how many it finished.
    @discardableResult
    public func runPending() async throws -> Int {
        let checkpoints = CheckpointStore(pool: store.pool)
        let start = try await checkpoints.load(Self.checkpointName) ?? .start
        var finished = 0
        let end = try await subscription.catchUp(from: start) { batch in
            finished += try await handle(batch)
        }
        try await checkpoints.save(Self.checkpointName, end)
        return finished
    }

    @discardableResult
    private func handle(_ batch: [RecordedEvent]) async throws -> Int {
        var tenants: [UUID] = []
        for event in batch where event.type == "TenantRegistered" || event.type == "ProvisioningStepCompleted" {
            guard let id = UUID(uuidString: String(event.stream.dropFirst("tenant-".count))), !tenants.contains(id) else { continue }
            tenants.append(id)
        }
        var finished = 0
        for tenant in tenants {
            guard let state = try await saga.tenants.load(tenant), state.status == .provisioning else { continue }
            let outcome = try await saga.run(tenant)
            logger.info("provisioned", metadata: ["tenant": "\(outcome.tenant.slug)", "state": "\(outcome.tenant.status)"])
            finished += 1
        }
        return finished
    }
}
