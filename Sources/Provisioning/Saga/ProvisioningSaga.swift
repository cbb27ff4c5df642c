public import EventStore
import Metrics
public import Foundation
public import Logging
public import PostgresClient
public import Tenancy

/// Provisions a registered tenant, step by step, each step recorded on the tenant's stream.
///
/// - Each step is idempotent, and recorded in the same append as its outcome, so running the
///   saga again after a crash resumes at the first step not recorded and creates nothing twice.
/// - An attempt is one transaction holding the tenant's lock (`ProvisioningLock`): it reads the
///   tenant, does every step not recorded yet (none needs to read what the one before wrote)
///   and records them all with one append. A lost connection rolls the attempt back; the next
///   attempt starts from what is recorded.
/// - A step that meets an unavailable database (a lost connection, a restart, a failover) is
///   tried again, backing off (`ProvisioningRetryPolicy`); that is never a failure of the step.
///   When the platform's own database stays away longer, the run gives up with the error and
///   leaves the tenant `provisioning` for the provisioning runner to resume. A dedicated
///   tenant's own cluster staying out of reach fails `allocateStorage`.
/// - When a step fails, the failure is recorded first (`failed`, with the step and reason),
///   after the steps done before it, together with the compensations that are only events
///   (keys revoked, steps undone); then the work outside the event store is undone (the
///   dedicated database dropped, the placement removed) and recorded. A compensation that
///   cannot run yet stays owed and is retried by the next run (the provisioning runner's),
///   never blocking anything.
public struct ProvisioningSaga: Sendable {
    /// Called before each step, with the tenant as the attempt loaded it (the steps of one
    /// attempt are recorded together, after the last); a test makes a step fail by throwing here.
    public typealias StepHook = @Sendable (ProvisioningStep, TenantState) async throws -> Void

    public let tenants: TenantService
    public let placements: TenantPlacementStore
    public let databases: DedicatedDatabaseProvisioner
    /// A superuser (or CREATEDB role) on this cluster, for dedicated databases placed here.
    public let clusterAdministrator: PostgresConfiguration
    /// How long an operation that met an unavailable database is tried again.
    public let retryPolicy: ProvisioningRetryPolicy
    /// The cells the process's health check found down: new tenants are placed elsewhere.
    public let cellAvailability: CellAvailability
    /// Readies a cell other than `main` for a tenant placed there (its data key installed, so
    /// its events there are sealed under the key its registry history is): the composition
    /// root's, which can reach cells.
    public typealias CellPreparation = @Sendable (_ keys: EventLog.PersonalDataKeyCopy, _ cell: Cell) async throws -> Void
    private let prepareCell: CellPreparation?
    private let beforeStep: StepHook?
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        tenants: TenantService,
        placements: TenantPlacementStore,
        databases: DedicatedDatabaseProvisioner,
        clusterAdministrator: PostgresConfiguration,
        retryPolicy: ProvisioningRetryPolicy = .standard,
        cellAvailability: CellAvailability = CellAvailability(),
        prepareCell: CellPreparation? = nil,
        beforeStep: StepHook? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tenantry.provisioning")
    ) {
        self.tenants = tenants
        self.placements = placements
        self.databases = databases
        self.clusterAdministrator = clusterAdministrator
        self.retryPolicy = retryPolicy
        self.cellAvailability = cellAvailability
        self.prepareCell = prepareCell
        self.beforeStep = beforeStep
        self.now = now
        self.logger = logger
    }

    /// What one run did.
    public struct Outcome: Sendable {
        public let tenant: TenantState
        /// The first API key, when this run issued it (shown once; never stored).
        public let apiKey: APIKey?
    }

    /// Runs (or resumes) the tenant's provisioning until it is active or failed; `progress`
    /// hears each step as it completes. For a failed tenant that still owes compensations, runs
    /// them. Throws (leaving the tenant `provisioning`) when the platform's database stays
    /// unavailable past the retry policy, or when the task is cancelled.
    public func run(
        _ tenantID: UUID,
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> Outcome {
        try await provision(tenantID, holding: nil, progress: progress)
    }

    /// Retries a failed tenant's provisioning (an operator's `tenant retry`): records
    /// `TenantProvisioningRetried` and runs the saga, holding the tenant's lock throughout, so
    /// a runner woken by the retry waits and finds it done, and the new first API key is shown
    /// to this caller. Refuses (`TenantLifecycleError.illegalTransition`) a tenant not `failed`.
    public func retry(
        _ tenantID: UUID,
        actor: String,
        reason: String?,
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> Outcome {
        let outcome = try await withLockedConnection(tenantID, retry: retryPolicy) { connection in
            _ = try await tenants.markRetried(tenantID, actor: actor, reason: reason, on: connection)
            return try await provisionOrLoseConnection(tenantID, holding: connection, progress: progress)
        }
        if let outcome { return outcome }
        return try await run(tenantID, progress: progress)
    }

    /// Registers a signup and provisions it, taking the new tenant's lock before its
    /// registration commits. A background runner woken by TenantRegistered (a server's, a
    /// `tenant worker`'s) then waits for this run and finds the tenant done, so the first API
    /// key is issued here and shown to this caller, never to a runner that cannot show it. A
    /// retried signup (same idempotency key) resumes the earlier tenant's provisioning.
    ///
    /// The registration, and then the steps, run on one pooled connection, which holds the lock
    /// (see `ProvisioningLock`): no connection is opened for the signup.
    ///
    /// `registered` hears the registration as soon as it has committed, before provisioning
    /// starts (a server answers its client there and lets the run go on). It is called holding
    /// the new tenant's lock, so it should return quickly.
    public func registerAndRun(
        _ request: SignupRequest,
        actor: String,
        registered: @Sendable (TenantService.Registration) async -> Void = { _ in },
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> (registration: TenantService.Registration, outcome: Outcome) {
        let tenantID = UUID()
        // Nothing is registered yet: with the database away the caller hears so at once (503,
        // exit 69) and sends the signup again with its key, rather than wait out the retries.
        let (registration, outcome) = try await withLockedConnection(tenantID, retry: .singleAttempt) { connection in
            let registration = try await tenants.register(request, tenantID: tenantID, actor: actor, on: connection)
            await registered(registration)
            // An earlier signup with the same key: its tenant has another id, and another lock.
            guard registration.tenant.id == tenantID else { return (registration, Outcome?.none) }
            return (registration, try await provisionOrLoseConnection(
                tenantID, holding: connection, startingFrom: registration.tenant, progress: progress
            ))
        }
        if let outcome { return (registration, outcome) }
        return (registration, try await run(registration.tenant.id, progress: progress))
    }

    /// Provisions on `locked` (which holds the tenant's lock); nil when that connection was lost
    /// on the way, for the caller to give it back to the pool and go on with `run`, so that a run
    /// never holds a lost connection while it waits for another (with every pooled connection
    /// held by lost ones, the pool would have none left to give).
    private func provisionOrLoseConnection(
        _ tenantID: UUID,
        holding locked: PostgresConnection,
        startingFrom known: TenantState? = nil,
        progress: @Sendable (ProvisioningStep) -> Void
    ) async throws -> Outcome? {
        do {
            return try await provision(tenantID, holding: locked, startingFrom: known, progress: progress)
        } catch is LockedConnectionLost {
            return nil
        }
    }

    /// The connection holding the tenant's lock went away during a run.
    private struct LockedConnectionLost: Error {}

    /// Runs `body` with a pooled connection that holds the tenant's lock session-scoped. Taking
    /// it rides out an unavailable database within `policy`; `body` itself is run once.
    private func withLockedConnection<Value: Sendable>(
        _ tenantID: UUID,
        retry policy: ProvisioningRetryPolicy,
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        var attempts = ProvisioningRetryPolicy.Attempts(policy)
        while true {
            var started = false
            do {
                return try await tenants.store.pool.withCheckedOutConnection { connection in
                    try await ProvisioningLock.holding(tenantID, on: connection) {
                        started = true
                        return try await body(connection)
                    }
                }
            } catch where !started && ProvisioningErrorKind(error) == .platformUnavailable {
                logger.debug("provisioning lock: database unavailable", metadata: ["attempt": "\(attempts.count)", "error": "\(error)"])
                guard try await attempts.backOff() else { throw error }
            }
        }
    }

    /// Runs `body` in a transaction holding the tenant's lock (transaction-scoped), bound to the
    /// control plane: on `locked` (the caller's connection, already holding the lock
    /// session-scoped), else on a pooled connection. A lost connection rolls back everything
    /// `body` wrote and releases the lock. Throws `LockedConnectionLost` when `locked` is no
    /// longer usable.
    private func inLockedTransaction<Value: Sendable>(
        _ tenantID: UUID,
        holding locked: PostgresConnection?,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let store = tenants.store
        if let locked {
            guard await locked.isReusable() else { throw LockedConnectionLost() }
            // The session lock is held: taking it again would be a round trip that cannot wait.
            return try await locked.transaction { connection in
                try store.bind(tenant: ControlPlane.tenantID, on: connection)
                return try await body(connection)
            }
        }
        return try await store.pool.transaction { connection in
            try ProvisioningLock.lockTransaction(tenantID, on: connection)
            try store.bind(tenant: ControlPlane.tenantID, on: connection)
            return try await body(connection)
        }
    }

    /// What one attempt (one transaction) did.
    private struct Attempt: Sendable {
        enum Ending: Sendable {
            /// Nothing (more) to do, or every step recorded.
            case settled
            /// A step failed; its failure is recorded and compensations may be owed.
            case failed(ProvisioningStep, reason: String)
        }

        /// The steps this attempt recorded, in order.
        var recorded: [ProvisioningStep]
        var ending: Ending
        /// The tenant after the attempt.
        var tenant: TenantState
    }

    /// Runs attempts until the tenant is active or failed (its owed compensations done or left
    /// for the runner), trying again when the database is away.
    ///
    /// `known`, the tenant as the caller just read it (a signup's registration), spares the
    /// first attempt reading it again; it is only a starting point: the attempt appends at its
    /// version, so a change made meanwhile fails that append and the next attempt reads the
    /// tenant afresh, as after any concurrent change.
    private func provision(
        _ tenantID: UUID,
        holding locked: PostgresConnection?,
        startingFrom known: TenantState? = nil,
        progress: @Sendable (ProvisioningStep) -> Void
    ) async throws -> Outcome {
        // The key this run issues, in whichever attempt records issueAPIKey. Its id is recorded
        // with the step, so an attempt that committed but whose answer was lost is recognised.
        let key = APIKey.generate()
        let metadata = EventMetadata(correlationID: UUID(), actor: "system:provisioning")
        var attempts = ProvisioningRetryPolicy.Attempts(retryPolicy)
        var conflicts = 0
        var known = known
        while true {
            do {
                let startingState = known
                known = nil
                let attempt = try await inLockedTransaction(tenantID, holding: locked) { connection in
                    try await advance(tenantID, from: startingState, issuing: key, metadata: metadata, on: connection)
                }
                for step in attempt.recorded { progress(step) }
                let tenant = attempt.tenant
                switch attempt.ending {
                case .settled:
                    if attempt.recorded.contains(.activate) {
                        Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "active")]).increment()
                    }
                    if tenant.status == .failed, !tenant.compensationsOwed.isEmpty {
                        return Outcome(tenant: try await compensateOwed(tenant, holding: locked), apiKey: nil)
                    }
                    let issued = tenant.completedSteps[.issueAPIKey]?["keyId"] == key.id.uuidString.lowercased()
                    return Outcome(tenant: tenant, apiKey: issued ? key : nil)
                case let .failed(step, reason):
                    logger.warning("provisioning step failed", metadata: ["tenant": "\(tenant.slug)", "step": "\(step)", "error": "\(reason)"])
                    Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "failed")]).increment()
                    return Outcome(tenant: try await compensateOwed(tenant, holding: locked), apiKey: nil)
                }
            } catch let lost as LockedConnectionLost {
                throw lost
            } catch {
                let (failedStep, cause) = StepError.unwrap(error)
                let kind = ProvisioningErrorKind(cause)
                switch kind {
                case .concurrentChange:
                    // Someone else recorded something meanwhile (an operator's command, or this
                    // very attempt, committed before its connection was lost): every step's work
                    // is idempotent, so the next attempt carries on from what is recorded.
                    conflicts += 1
                    guard conflicts < 10 else { throw cause }
                case .interrupted:
                    throw cause
                case .platformUnavailable, .tenantClusterUnreachable:
                    logger.debug("provisioning: database unavailable; trying again", metadata: [
                        "tenant": "\(tenantID)", "attempt": "\(attempts.count)", "error": "\(cause)",
                    ])
                    let limit = kind == .tenantClusterUnreachable ? retryPolicy.maximumTenantClusterAttempts : nil
                    if try await attempts.backOff(upTo: limit) { continue }
                    guard kind == .tenantClusterUnreachable else {
                        logger.warning("provisioning paused: the database is unavailable; the provisioning runner resumes it", metadata: [
                            "tenant": "\(tenantID)", "attempts": "\(attempts.count)", "error": "\(cause)",
                        ])
                        throw cause
                    }
                    return try await fail(tenantID, at: failedStep ?? .allocateStorage, error: cause, metadata: metadata, holding: locked)
                case .stepFailure:
                    // A step's writes refused (its work failing is recorded by the attempt).
                    guard let failedStep else { throw cause }
                    return try await fail(tenantID, at: failedStep, error: cause, metadata: metadata, holding: locked)
                }
            }
        }
    }

    /// One attempt, inside its locked transaction: loads the tenant (or starts from `known`),
    /// does every step not recorded yet (each idempotent; none needs to read what the one
    /// before wrote), and records them with one append. A step that fails by itself records the steps done before it, then
    /// its failure, in the same transaction. Any other error rolls the whole attempt back.
    private func advance(
        _ tenantID: UUID,
        from known: TenantState?,
        issuing key: APIKey,
        metadata: EventMetadata,
        on connection: isolated PostgresConnection
    ) async throws -> Attempt {
        guard var state = try known ?? tenants.loadTenant(tenantID, on: connection) else {
            throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
        }
        guard state.status == .provisioning else { return Attempt(recorded: [], ending: .settled, tenant: state) }
        var events: [TenantEvent] = []
        var steps: [ProvisioningStep] = []
        for step in ProvisioningStep.allCases where state.completedSteps[step] == nil {
            do {
                try await beforeStep?(step, state)
                events += try await perform(step, for: state, issuing: key, on: connection)
                steps.append(step)
            } catch let error as StepError {
                // A statement of this transaction failed: it can record nothing more.
                throw error
            } catch where ProvisioningErrorKind(error) == .stepFailure {
                if let first = steps.first {
                    try StepError.attributing(first) {
                        try tenants.record(events, to: tenantID, expectedVersion: state.version, metadata: metadata, on: connection)
                    }
                    state = try tenants.catchUp(state, on: connection)
                }
                let failure = Self.failureEvents(of: state, at: step, reason: "\(error)")
                try tenants.record(failure, to: tenantID, expectedVersion: state.version, metadata: metadata, on: connection)
                return Attempt(recorded: steps, ending: .failed(step, reason: "\(error)"), tenant: try tenants.catchUp(state, on: connection))
            } catch {
                throw StepError(step: step, underlying: error)
            }
        }
        if let first = steps.first {
            try StepError.attributing(first) {
                try tenants.record(events, to: tenantID, expectedVersion: state.version, metadata: metadata, on: connection)
            }
            state = try tenants.catchUp(state, on: connection)
        }
        return Attempt(recorded: steps, ending: .settled, tenant: state)
    }

    /// A step failed outside an attempt's transaction (its cluster out of reach to the end, its
    /// writes refused): records the failure, then runs the compensations; the tenant ends `failed`.
    private func fail(
        _ tenantID: UUID, at step: ProvisioningStep, error: any Error, metadata: EventMetadata, holding locked: PostgresConnection?
    ) async throws -> Outcome {
        logger.warning("provisioning step failed", metadata: ["tenant": "\(tenantID)", "step": "\(step)", "error": "\(error)"])
        let reason = "\(error)"
        let (recorded, tenant) = try await retrying {
            try await inLockedTransaction(tenantID, holding: locked) { connection in
                guard let state = try tenants.loadTenant(tenantID, on: connection) else {
                    throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
                }
                guard state.status == .provisioning else { return (false, state) }
                try tenants.record(
                    Self.failureEvents(of: state, at: step, reason: reason), to: tenantID, expectedVersion: state.version,
                    metadata: metadata, on: connection
                )
                return (true, try tenants.catchUp(state, on: connection))
            }
        }
        if recorded { Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "failed")]).increment() }
        return Outcome(tenant: try await compensateOwed(tenant, holding: locked), apiKey: nil)
    }

    /// Runs `operation` again while the database is unavailable (within the retry policy) or
    /// the tenant changed meanwhile (a few times).
    private func retrying<Value>(_ operation: () async throws -> Value) async throws -> Value {
        var attempts = ProvisioningRetryPolicy.Attempts(retryPolicy)
        var conflicts = 0
        while true {
            do {
                return try await operation()
            } catch where ProvisioningErrorKind(error) == .platformUnavailable {
                guard try await attempts.backOff() else { throw error }
            } catch where ProvisioningErrorKind(error) == .concurrentChange {
                conflicts += 1
                guard conflicts < 5 else { throw error }
            }
        }
    }

    /// Does one step (idempotently) inside the attempt's transaction and returns the events
    /// that record it. A dedicated tenant's database is made on its cluster meanwhile, before
    /// the transaction has written anything.
    private func perform(
        _ step: ProvisioningStep, for state: TenantState, issuing key: APIKey, on connection: isolated PostgresConnection
    ) async throws -> [TenantEvent] {
        switch step {
        case .allocateStorage:
            switch state.isolation {
            case .pooled:
                // The cell's row stays shared-locked until this attempt commits, so the cell
                // cannot be drained or removed under the placement.
                let cell = try StepError.attributing(step) {
                    try CellRegistry.place(
                        requested: try state.requestedCell.map { try CellName($0) }, avoiding: cellAvailability.unavailableCells,
                        on: connection)
                }
                if cell.name != .main, let prepareCell {
                    // Read on this attempt's own connection: under a burst of signups every other
                    // connection of the pool may be another attempt's, waiting likewise.
                    try await prepareCell(try EventLog.personalDataKeys(of: state.id, on: connection), cell)
                }
                try StepError.attributing(step) { try placements.record(.pooled(cell: cell.name), of: state.id, on: connection) }
                return [.stepCompleted(.init(step: step, details: ["isolation": "pooled", "cell": cell.name.rawValue]))]
            case .dedicated:
                guard let database = DedicatedDatabaseName.forSlug(state.slug) else {
                    throw TenantLifecycleError.invalidInput("slug \(state.slug) makes no database name")
                }
                let administrator = administrator(for: state)
                try await onTenantCluster(of: state) {
                    try await databases.provision(database: database, administrator: administrator)
                }
                try StepError.attributing(step) {
                    try placements.record(.dedicated(database: database, clusterURL: state.clusterURL), of: state.id, on: connection)
                }
                return [.stepCompleted(.init(step: step, details: ["isolation": "dedicated", "database": database]))]
            }
        case .seedEntitlements:
            return [.stepCompleted(.init(step: step, details: state.plan.terms.entitlements))]
        case .issueAPIKey:
            return [
                .apiKeyIssued(.init(keyId: key.id, prefix: key.prefix, sha256: APIKey.hash(key.secret), scope: .manage)),
                .stepCompleted(.init(step: step, details: ["keyId": key.id.uuidString.lowercased()])),
            ]
        case .activate:
            var events: [TenantEvent] = [.provisioned(.init(plan: state.plan))]
            if let days = state.plan.terms.trialDays {
                events.append(.trialStarted(.init(endsAt: now().addingTimeInterval(Double(days) * 86_400))))
            }
            return events
        }
    }

    /// Runs work against the tenant's dedicated database's cluster. On a cluster of its own
    /// (`clusterURL`), that cluster being out of reach (or timing out) is the tenant's storage
    /// failing, not the platform's database being away: it is told apart as
    /// `TenantClusterUnreachable`.
    private func onTenantCluster(of state: TenantState, _ work: () async throws -> Void) async throws {
        do {
            try await work()
        } catch where state.clusterURL != nil && ProvisioningErrorKind(error) == .platformUnavailable {
            throw TenantClusterUnreachable(underlying: error)
        }
    }

    /// The failure of `failedStep`, with the compensations that are events (keys revoked,
    /// steps undone) and the others listed as owed. Recorded first, in one append, so a
    /// compensation that cannot run never keeps the tenant `provisioning`.
    private static func failureEvents(of state: TenantState, at failedStep: ProvisioningStep, reason: String) -> [TenantEvent] {
        var events: [TenantEvent] = []
        var owed: [ProvisioningStep] = []
        // The failed step may have done part of its work before failing (a database
        // created, its migration failed): that is undone too. Every undo is idempotent.
        if failedStep == .allocateStorage { owed.append(.allocateStorage) }
        for step in ProvisioningStep.allCases.reversed() {
            guard state.completedSteps[step] != nil else { continue }
            switch step {
            case .allocateStorage:
                if !owed.contains(step) { owed.append(step) }
            case .issueAPIKey:
                for keyID in state.apiKeys.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
                    events.append(.apiKeyRevoked(.init(keyId: keyID)))
                }
                events.append(.stepCompensated(.init(step: step)))
            case .seedEntitlements, .activate:
                events.append(.stepCompensated(.init(step: step)))
            }
        }
        events.append(.provisioningFailed(.init(step: failedStep, reason: String(reason.prefix(500)), compensationsOwed: owed)))
        return events
    }

    /// Does the compensations a failure left owed (drop the dedicated database, remove the
    /// placement) and records them, holding the tenant's lock. One that cannot run now (its
    /// cluster out of reach, the database away) stays owed and is logged; the next run does it.
    /// Throws only `LockedConnectionLost`; returns the tenant as it is then (`tenant` when it
    /// cannot be read).
    private func compensateOwed(_ tenant: TenantState, holding locked: PostgresConnection?) async throws -> TenantState {
        guard tenant.status == .failed, tenant.compensationsOwed.contains(.allocateStorage) else { return tenant }
        let metadata = EventMetadata(correlationID: UUID(), actor: "system:provisioning")
        do {
            return try await retrying {
                try await inLockedTransaction(tenant.id, holding: locked) { connection in
                    guard let state = try tenants.loadTenant(tenant.id, on: connection) else { return tenant }
                    guard state.status == .failed, state.compensationsOwed.contains(.allocateStorage) else { return state }
                    if state.isolation == .dedicated,
                       let database = state.completedSteps[.allocateStorage]?["database"] ?? DedicatedDatabaseName.forSlug(state.slug) {
                        let administrator = administrator(for: state)
                        try await onTenantCluster(of: state) {
                            try await databases.drop(database: database, administrator: administrator)
                        }
                    }
                    try placements.remove(state.id, on: connection)
                    try tenants.record(
                        [.stepCompensated(.init(step: .allocateStorage))], to: state.id, expectedVersion: state.version,
                        metadata: metadata, on: connection
                    )
                    return try tenants.catchUp(state, on: connection)
                }
            }
        } catch let lost as LockedConnectionLost {
            throw lost
        } catch {
            logger.warning("provisioning compensation owed: it could not run; the provisioning runner retries it", metadata: [
                "tenant": "\(tenant.slug)", "step": "\(ProvisioningStep.allocateStorage)", "error": "\(error)",
            ])
            return (try? await tenants.load(tenant.id)) ?? tenant
        }
    }

    private func administrator(for state: TenantState) -> PostgresConfiguration {
        if let clusterURL = state.clusterURL {
            return PostgresConfiguration(connectionString: clusterURL)
        }
        return clusterAdministrator
    }
}
