import EventStore
import Metrics
public import Foundation
public import Logging
public import PostgresClient
public import Tenancy

/// Provisions a registered tenant, step by step, each step recorded on the tenant's stream.
///
/// - Each step is idempotent, and recorded in the same append as its outcome, so running the
///   saga again after a crash resumes at the first step not recorded and creates nothing twice.
/// - A step that meets an unavailable database (a lost connection, a restart, a failover) is
///   tried again, backing off (`ProvisioningRetryPolicy`); that is never a failure of the step.
///   When the platform's own database stays away longer, the run gives up with the error and
///   leaves the tenant `provisioning` for the provisioning runner to resume. A dedicated
///   tenant's own cluster staying out of reach fails `allocateStorage`.
/// - When a step fails, the failure is recorded first (`failed`, with the step and reason),
///   together with the compensations that are only events (keys revoked, steps undone); then
///   the work outside the event store is undone (the dedicated database dropped, the placement
///   removed) and recorded. A compensation that cannot run yet stays owed and is retried by the
///   next run (the provisioning runner's), never blocking anything.
public struct ProvisioningSaga: Sendable {
    /// Called before each step; a test makes a step fail by throwing here.
    public typealias StepHook = @Sendable (ProvisioningStep, TenantState) async throws -> Void

    public let tenants: TenantService
    public let placements: TenantPlacementStore
    public let databases: DedicatedDatabaseProvisioner
    /// A superuser (or CREATEDB role) on this cluster, for dedicated databases placed here.
    public let clusterAdministrator: PostgresConfiguration
    /// How long an operation that met an unavailable database is tried again.
    public let retryPolicy: ProvisioningRetryPolicy
    private let beforeStep: StepHook?
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        tenants: TenantService,
        placements: TenantPlacementStore,
        databases: DedicatedDatabaseProvisioner,
        clusterAdministrator: PostgresConfiguration,
        retryPolicy: ProvisioningRetryPolicy = .standard,
        beforeStep: StepHook? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tenantry.provisioning")
    ) {
        self.tenants = tenants
        self.placements = placements
        self.databases = databases
        self.clusterAdministrator = clusterAdministrator
        self.retryPolicy = retryPolicy
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
        try await lock.holding(Self.lockKey(tenantID)) {
            try await runHoldingLock(tenantID, progress: progress)
        }
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
        try await lock.holding(Self.lockKey(tenantID)) {
            _ = try await tenants.markRetried(tenantID, actor: actor, reason: reason)
            return try await runHoldingLock(tenantID, progress: progress)
        }
    }

    /// Registers a signup and provisions it, taking the new tenant's lock before its
    /// registration commits. A background runner woken by TenantRegistered (a server's, a
    /// `tenant worker`'s) then waits for this run and finds the tenant done, so the first API
    /// key is issued here and shown to this caller, never to a runner that cannot show it. A
    /// retried signup (same idempotency key) resumes the earlier tenant's provisioning.
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
        let registering = ProvisioningLock(configuration: tenants.store.pool.configuration, retry: .singleAttempt, logger: logger)
        let (registration, outcome) = try await registering.holding(Self.lockKey(tenantID)) {
            let registration = try await tenants.register(request, tenantID: tenantID, actor: actor)
            await registered(registration)
            // An earlier signup with the same key: its tenant has another id, and another lock.
            guard registration.tenant.id == tenantID else { return (registration, Outcome?.none) }
            return (registration, try await runHoldingLock(tenantID, progress: progress))
        }
        if let outcome { return (registration, outcome) }
        return (registration, try await run(registration.tenant.id, progress: progress))
    }

    /// One runner per tenant at a time (a CLI create and a background runner may meet).
    private var lock: ProvisioningLock {
        ProvisioningLock(configuration: tenants.store.pool.configuration, retry: retryPolicy, logger: logger)
    }

    private static func lockKey(_ tenantID: UUID) -> String { tenantID.uuidString.lowercased() }

    private func runHoldingLock(
        _ tenantID: UUID,
        progress: @Sendable (ProvisioningStep) -> Void
    ) async throws -> Outcome {
        var state = try await load(tenantID)
        if state.status == .failed, !state.compensationsOwed.isEmpty {
            return Outcome(tenant: await compensateOwed(state), apiKey: nil)
        }
        var issuedKey: APIKey?
        let startedProvisioning = state.status == .provisioning
        let metadata = EventMetadata(correlationID: UUID(), actor: "system:provisioning")
        for step in ProvisioningStep.allCases where state.status == .provisioning && state.completedSteps[step] == nil {
            var attempts = ProvisioningRetryPolicy.Attempts(retryPolicy)
            // The key of the last attempt: if its append committed but the answer was lost,
            // the reload below finds it recorded, and it is still the one to show once.
            var attemptedKey: APIKey?
            while true {
                do {
                    try await beforeStep?(step, state)
                    let (events, key) = try await perform(step, for: state)
                    attemptedKey = key ?? attemptedKey
                    try await tenants.record(events, to: tenantID, expectedVersion: state.version, metadata: metadata)
                    issuedKey = key ?? issuedKey
                    progress(step)
                    break
                } catch {
                    let kind = ProvisioningErrorKind(error)
                    switch kind {
                    case .concurrentChange:
                        // Someone else recorded something meanwhile (an operator's command, or
                        // this very append, committed before its connection was lost): the
                        // step's work is idempotent, so reload and carry on from what is recorded.
                        break
                    case .interrupted:
                        throw error
                    case .platformUnavailable, .tenantClusterUnreachable:
                        logger.debug("provisioning step: database unavailable; trying again", metadata: [
                            "tenant": "\(state.slug)", "step": "\(step)", "attempt": "\(attempts.count)", "error": "\(error)",
                        ])
                        let limit = kind == .tenantClusterUnreachable ? retryPolicy.maximumTenantClusterAttempts : nil
                        if try await attempts.backOff(upTo: limit) {
                            // The last attempt may have been recorded before its connection went.
                            state = try await load(tenantID)
                            guard state.status == .provisioning, state.completedSteps[step] == nil else { break }
                            continue
                        }
                        guard kind == .tenantClusterUnreachable else {
                            logger.warning("provisioning paused: the database is unavailable; the provisioning runner resumes it", metadata: [
                                "tenant": "\(state.slug)", "step": "\(step)", "attempts": "\(attempts.count)", "error": "\(error)",
                            ])
                            throw error
                        }
                        return try await failed(tenantID, at: step, error: error, metadata: metadata)
                    case .stepFailure:
                        return try await failed(tenantID, at: step, error: error, metadata: metadata)
                    }
                    break
                }
            }
            state = try await load(tenantID)
            if issuedKey == nil, let attemptedKey,
                state.completedSteps[step]?["keyId"] == attemptedKey.id.uuidString.lowercased()
            {
                issuedKey = attemptedKey
            }
        }
        if startedProvisioning, state.status == .active {
            Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "active")]).increment()
        }
        return Outcome(tenant: state, apiKey: issuedKey)
    }

    /// The step failed: records the failure (and what it undoes as events), then undoes the
    /// storage; the tenant ends `failed`.
    private func failed(_ tenantID: UUID, at step: ProvisioningStep, error: any Error, metadata: EventMetadata) async throws -> Outcome {
        logger.warning("provisioning step failed", metadata: ["tenant": "\(tenantID)", "step": "\(step)", "error": "\(error)"])
        let failed = try await recordFailure(tenantID, at: step, reason: "\(error)", metadata: metadata)
        Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "failed")]).increment()
        return Outcome(tenant: await compensateOwed(failed), apiKey: nil)
    }

    /// The tenant as its events say, reloaded through an unavailable database.
    private func load(_ tenantID: UUID) async throws -> TenantState {
        try await retryingUnavailable {
            guard let state = try await tenants.load(tenantID) else {
                throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
            }
            return state
        }
    }

    /// Runs `operation`, trying again while the database is unavailable, within the retry policy.
    private func retryingUnavailable<Value>(_ operation: () async throws -> Value) async throws -> Value {
        var attempts = ProvisioningRetryPolicy.Attempts(retryPolicy)
        while true {
            do {
                return try await operation()
            } catch where ProvisioningErrorKind(error) == .platformUnavailable {
                guard try await attempts.backOff() else { throw error }
            }
        }
    }

    /// Does one step (idempotently) and returns the events that record it.
    private func perform(_ step: ProvisioningStep, for state: TenantState) async throws -> ([TenantEvent], APIKey?) {
        switch step {
        case .allocateStorage:
            switch state.isolation {
            case .pooled:
                try await placements.record(.pooled, of: state.id)
                return ([.stepCompleted(.init(step: step, details: ["isolation": "pooled"]))], nil)
            case .dedicated:
                guard let database = DedicatedDatabaseName.forSlug(state.slug) else {
                    throw TenantLifecycleError.invalidInput("slug \(state.slug) makes no database name")
                }
                try await onTenantCluster(of: state) {
                    try await databases.provision(database: database, administrator: administrator(for: state))
                }
                try await placements.record(.dedicated(database: database, clusterURL: state.clusterURL), of: state.id)
                return ([.stepCompleted(.init(step: step, details: ["isolation": "dedicated", "database": database]))], nil)
            }
        case .seedEntitlements:
            return ([.stepCompleted(.init(step: step, details: state.plan.terms.entitlements))], nil)
        case .issueAPIKey:
            let key = APIKey.generate()
            return ([
                .apiKeyIssued(.init(keyId: key.id, prefix: key.prefix, sha256: APIKey.hash(key.secret), scope: .manage)),
                .stepCompleted(.init(step: step, details: ["keyId": key.id.uuidString.lowercased()])),
            ], key)
        case .activate:
            var events: [TenantEvent] = [.provisioned(.init(plan: state.plan))]
            if let days = state.plan.terms.trialDays {
                events.append(.trialStarted(.init(endsAt: now().addingTimeInterval(Double(days) * 86_400))))
            }
            return (events, nil)
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

    /// Records the failure of `failedStep`, with the compensations that are events (keys
    /// revoked, steps undone) in the same append and the others listed as owed. Recorded first,
    /// so a compensation that cannot run never keeps the tenant `provisioning`.
    private func recordFailure(
        _ tenantID: UUID, at failedStep: ProvisioningStep, reason: String, metadata: EventMetadata
    ) async throws -> TenantState {
        for _ in 0..<5 {
            let state = try await load(tenantID)
            guard state.status == .provisioning else { return state }
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
            do {
                try await retryingUnavailable {
                    try await tenants.record(events, to: tenantID, expectedVersion: state.version, metadata: metadata)
                }
            } catch EventStoreError.wrongExpectedVersion {
                // Changed meanwhile (or this append committed before its connection went): look again.
                continue
            }
            return try await load(tenantID)
        }
        throw TenantLifecycleError.invalidInput("tenant \(tenantID.uuidString.lowercased()) kept changing while its failure was recorded; run it again")
    }

    /// Does the compensations a failure left owed (drop the dedicated database, remove the
    /// placement) and records each. One that cannot run now (its cluster out of reach, the
    /// database away) stays owed and is logged; the next run does it. Never throws.
    private func compensateOwed(_ state: TenantState) async -> TenantState {
        guard state.status == .failed, state.compensationsOwed.contains(.allocateStorage) else { return state }
        let metadata = EventMetadata(correlationID: UUID(), actor: "system:provisioning")
        do {
            if state.isolation == .dedicated,
               let database = state.completedSteps[.allocateStorage]?["database"] ?? DedicatedDatabaseName.forSlug(state.slug) {
                try await retryingUnavailable {
                    try await onTenantCluster(of: state) {
                        try await databases.drop(database: database, administrator: administrator(for: state))
                    }
                }
            }
            try await retryingUnavailable { try await placements.remove(state.id) }
            try await retryingUnavailable {
                try await tenants.record(
                    [.stepCompensated(.init(step: .allocateStorage))], to: state.id, expectedVersion: state.version, metadata: metadata
                )
            }
            return try await load(state.id)
        } catch {
            logger.warning("provisioning compensation owed: it could not run; the provisioning runner retries it", metadata: [
                "tenant": "\(state.slug)", "step": "\(ProvisioningStep.allocateStorage)", "error": "\(error)",
            ])
            return (try? await tenants.load(state.id)) ?? state
        }
    }

    private func administrator(for state: TenantState) -> PostgresConfiguration {
        if let clusterURL = state.clusterURL {
            return PostgresConfiguration(connectionString: clusterURL)
        }
        return clusterAdministrator
    }
}
