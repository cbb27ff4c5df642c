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
/// - When a step fails, the steps already done are compensated in reverse order (e.g. the
///   dedicated database dropped), each compensation recorded, and the tenant ends `failed`
///   with the step and the reason.
public struct ProvisioningSaga: Sendable {
    /// Called before each step; a test makes a step fail by throwing here.
    public typealias StepHook = @Sendable (ProvisioningStep, TenantState) async throws -> Void

    public let tenants: TenantService
    public let placements: TenantPlacementStore
    public let databases: DedicatedDatabaseProvisioner
    /// A superuser (or CREATEDB role) on this cluster, for dedicated databases placed here.
    public let clusterAdministrator: PostgresConfiguration
    private let beforeStep: StepHook?
    private let now: @Sendable () -> Date
    private let logger: Logger

    public init(
        tenants: TenantService,
        placements: TenantPlacementStore,
        databases: DedicatedDatabaseProvisioner,
        clusterAdministrator: PostgresConfiguration,
        beforeStep: StepHook? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tenantry.provisioning")
    ) {
        self.tenants = tenants
        self.placements = placements
        self.databases = databases
        self.clusterAdministrator = clusterAdministrator
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
    /// hears each step as it completes.
    public func run(
        _ tenantID: UUID,
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> Outcome {
        try await holdingLock(of: tenantID) {
            try await runHoldingLock(tenantID, progress: progress)
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
        let (registration, outcome) = try await holdingLock(of: tenantID) {
            let registration = try await tenants.register(request, tenantID: tenantID, actor: actor)
            await registered(registration)
            // An earlier signup with the same key: its tenant has another id, and another lock.
            guard registration.tenant.id == tenantID else { return (registration, Outcome?.none) }
            return (registration, try await runHoldingLock(tenantID, progress: progress))
        }
        if let outcome { return (registration, outcome) }
        return (registration, try await run(registration.tenant.id, progress: progress))
    }

    /// Runs `body` holding the tenant's provisioning lock: one runner per tenant at a time (a CLI
    /// create and a background runner may meet), a session advisory lock on a connection of its own.
    private func holdingLock<Value: Sendable>(of tenantID: UUID, _ body: () async throws -> Value) async throws -> Value {
        try await PostgresConnection.withAdvisoryLock(
            tenants.store.pool.configuration, namespace: Self.lockNamespace, key: tenantID.uuidString.lowercased(), body
        )
    }

    /// The advisory lock namespace of provisioning runs.
    static let lockNamespace: Int32 = 727_275

    private func runHoldingLock(
        _ tenantID: UUID,
        progress: @Sendable (ProvisioningStep) -> Void
    ) async throws -> Outcome {
        guard var state = try await tenants.load(tenantID) else {
            throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
        }
        var issuedKey: APIKey?
        let startedProvisioning = state.status == .provisioning
        let metadata = EventMetadata(correlationID: UUID(), actor: "system:provisioning")
        for step in ProvisioningStep.allCases where state.status == .provisioning && state.completedSteps[step] == nil {
            do {
                try await beforeStep?(step, state)
                let (events, key) = try await perform(step, for: state)
                try await tenants.record(events, to: tenantID, expectedVersion: state.version, metadata: metadata)
                issuedKey = key ?? issuedKey
                progress(step)
            } catch EventStoreError.wrongExpectedVersion {
                // Someone else recorded something meanwhile (an operator's command): the step's
                // work is idempotent, so reload and carry on from what is recorded.
            } catch {
                logger.warning("provisioning step failed", metadata: ["tenant": "\(state.slug)", "step": "\(step)", "error": "\(error)"])
                guard let latest = try await tenants.load(tenantID) else { throw error }
                Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "failed")]).increment()
                return Outcome(tenant: try await fail(latest, at: step, reason: "\(error)", metadata: metadata), apiKey: nil)
            }
            guard let reloaded = try await tenants.load(tenantID) else {
                throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
            }
            state = reloaded
        }
        if startedProvisioning, state.status == .active {
            Counter(label: "tenantry_provisioning_total", dimensions: [("outcome", "active")]).increment()
        }
        return Outcome(tenant: state, apiKey: issuedKey)
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
                try await databases.provision(database: database, administrator: administrator(for: state))
                try await placements.record(.dedicated(database: database, clusterURL: state.clusterURL), of: state.id)
                return ([.stepCompleted(.init(step: step, details: ["isolation": "dedicated", "database": database]))], nil)
            }
        case .seedEntitlements:
            return ([.stepCompleted(.init(step: step, details: state.plan.terms.entitlements))], nil)
        case .issueAPIKey:
            let key = APIKey.generate()
            return ([
                .apiKeyIssued(.init(keyId: key.id, prefix: key.prefix, sha256: APIKey.hash(key.secret))),
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

    /// Undoes the completed steps in reverse, records each, and marks the tenant failed.
    private func fail(_ state: TenantState, at failedStep: ProvisioningStep, reason: String, metadata: EventMetadata) async throws -> TenantState {
        var events: [TenantEvent] = []
        // The failed step may have done part of its work before failing (a database created,
        // its migration failed): undo that too. Every undo is idempotent.
        if failedStep == .allocateStorage {
            if state.isolation == .dedicated, let database = DedicatedDatabaseName.forSlug(state.slug) {
                try await databases.drop(database: database, administrator: administrator(for: state))
            }
            try await placements.remove(state.id)
        }
        for step in ProvisioningStep.allCases.reversed() {
            guard let details = state.completedSteps[step] else { continue }
            switch step {
            case .allocateStorage:
                if let database = details["database"] {
                    try await databases.drop(database: database, administrator: administrator(for: state))
                }
                try await placements.remove(state.id)
            case .issueAPIKey:
                for keyID in state.apiKeys.keys { events.append(.apiKeyRevoked(.init(keyId: keyID))) }
            case .seedEntitlements, .activate:
                break
            }
            events.append(.stepCompensated(.init(step: step)))
        }
        events.append(.provisioningFailed(.init(step: failedStep, reason: String(reason.prefix(500)))))
        try await tenants.record(events, to: state.id, expectedVersion: state.version, metadata: metadata)
        return try await tenants.load(state.id) ?? state
    }

    private func administrator(for state: TenantState) -> PostgresConfiguration {
        if let clusterURL = state.clusterURL {
            return PostgresConfiguration(connectionString: clusterURL)
        }
        return clusterAdministrator
    }
}
