public import EventStore
import Extensions
public import Foundation
import PostgresClient
public import Provisioning
import Schema
public import Tenancy

/// The tenant operations the CLI and the admin API offer, wired to their services: one place,
/// so the two faces never differ in logic. Commands that change what the registry shows of a
/// tenant (suspend, resume, plan, offboard) catch it up before they return; `create` and
/// `retry` return as soon as the tenant is active (or failed) and leave the registry to a
/// server's registry worker and its next reader (every listing, and the provisioning sweep,
/// catches it up first).
public struct TenantAdministration: Sendable {
    public let lifecycle: TenantService
    public let saga: ProvisioningSaga
    public let placements: TenantPlacementStore
    public let router: TenantDatabaseRouter
    public let registry: ProjectionRunner<TenantsProjection>
    /// The WebAssembly customizations assigned to pooled tenants.
    public let customizations: PooledCustomizations
    /// How long a server's registry worker lets signups gather before it folds them as one
    /// page: each page is a transaction (checkpoint, snapshots, rows, commit), and during a
    /// burst of signups a page per commit competes with the signups themselves. 20 ms of lag is
    /// far below any reader's patience, and every reader catches the registry up first anyway.
    public static let registryGathering: Duration = .milliseconds(20)
    let operatorPool: PostgresPool
    let databases: DedicatedDatabaseProvisioner
    let clusterAdministrator: PostgresConfiguration
    /// Deletes a retired tenant's pooled rows, acting as the schema owner.
    let pooledCopyPurge: PooledCopyPurge
    /// Destroys a tenant's personal data keys in the platform's database, acting as the owner.
    let personalDataErasure: PersonalDataErasure

    init(
        target: DatabaseTarget, pooledStore: EventLog, operatorStore: EventLog, beforeStep: ProvisioningSaga.StepHook?,
        customization: CustomizationHost?, servesInstance: Bool = false
    ) {
        // A single-tenant instance's changes go through its customization; a pooled tenant's
        // through the module assigned to it, if any.
        let pooledCustomizations = PooledCustomizations(store: operatorStore)
        let check: TenantChangeCheck? =
            if servesInstance {
                customization.map(CustomizationGate.check)
            } else {
                CustomizationGate.check(customization, then: pooledCustomizations)
            }
        // An instance's login may read its tenant's stream but not the control plane's snapshots.
        let tenants = TenantService(store: operatorStore, check: check, usesSnapshots: !servesInstance)
        self.customizations = pooledCustomizations
        let placements = TenantPlacementStore(pool: operatorStore.pool)
        let databases = DedicatedDatabaseProvisioner()
        let clusterAdministrator = target.administratorConfiguration.with(database: "postgres")
        let application = target.applicationConfiguration
        self.lifecycle = tenants
        self.placements = placements
        self.databases = databases
        self.clusterAdministrator = clusterAdministrator
        self.operatorPool = operatorStore.pool
        self.pooledCopyPurge = PooledCopyPurge(administrator: target.administratorConfiguration)
        self.personalDataErasure = PersonalDataErasure(administrator: target.administratorConfiguration)
        let router = TenantDatabaseRouter(pooled: pooledStore, placements: placements, cells: target.cellConnections()) { database, clusterURL in
            if let clusterURL {
                return PostgresConfiguration(connectionString: clusterURL, role: DatabaseRoles.application, database: database)
            }
            return application.with(database: database)
        }
        self.router = router
        self.saga = ProvisioningSaga(
            tenants: tenants, placements: placements, databases: databases,
            clusterAdministrator: clusterAdministrator,
            prepareCell: { keys, cell in
                // The tenant's own key (sealing its registry history here) goes to its cell first,
                // so its events there are sealed under the same key and it can move back to main.
                _ = try await keys.install(into: try await router.store(of: cell))
            },
            beforeStep: beforeStep
        )
        self.registry = ProjectionRunner(projection: TenantsProjection(store: operatorStore), store: operatorStore)
    }

    /// Resolves a slug, or a tenant id given as text, to the tenant's id.
    public func resolve(_ slugOrID: String) async throws -> UUID {
        if let id = UUID(uuidString: slugOrID), try await lifecycle.load(id) != nil { return id }
        guard let id = try await lifecycle.tenantID(forSlug: slugOrID) else {
            throw TenantLifecycleError.notFound("with slug \(slugOrID)")
        }
        return id
    }

    /// The tenant with this slug (or id), as its events say it is.
    public func tenant(_ slugOrID: String) async throws -> TenantState {
        let id = try await resolve(slugOrID)
        guard let state = try await lifecycle.load(id) else { throw TenantLifecycleError.notFound("with slug \(slugOrID)") }
        return state
    }

    /// The tenant's recorded events, oldest first: who did what, when and why.
    public func history(of slugOrID: String) async throws -> [RecordedEvent] {
        try await lifecycle.history(try await resolve(slugOrID))
    }

    /// active → suspended; the registry is caught up before it returns.
    public func suspend(_ slugOrID: String, reason: String, actor: String) async throws -> TenantState {
        try Self.check(reason: reason)
        let state = try await lifecycle.suspend(try await resolve(slugOrID), reason: reason, actor: actor)
        try await registry.catchUpWithCommittedWrites()
        return state
    }

    /// suspended → active; the registry is caught up before it returns.
    public func resume(_ slugOrID: String, reason: String, actor: String) async throws -> TenantState {
        try Self.check(reason: reason)
        let state = try await lifecycle.reactivate(try await resolve(slugOrID), reason: reason, actor: actor)
        try await registry.catchUpWithCommittedWrites()
        return state
    }

    /// Moves an active tenant to another plan of the same isolation.
    public func changePlan(_ slugOrID: String, to plan: Plan, reason: String?, actor: String) async throws -> TenantState {
        if let reason { try Self.check(reason: reason) }
        let state = try await lifecycle.changePlan(try await resolve(slugOrID), to: plan, actor: actor, reason: reason)
        try await registry.catchUpWithCommittedWrites()
        return state
    }

    /// Sets and removes custom attributes; with nothing to set or remove, the tenant as it is.
    public func changeAttributes(
        _ slugOrID: String, set: [String: TenantAttributeValue], remove: [String], reason: String?, actor: String
    ) async throws -> TenantState {
        if let reason { try Self.check(reason: reason) }
        guard !set.isEmpty || !remove.isEmpty else { return try await tenant(slugOrID) }
        return try await lifecycle.changeAttributes(try await resolve(slugOrID), set: set, remove: remove, actor: actor, reason: reason)
    }

    /// Exports the tenant named by slug (or id) to `path` and offboards it (see the other
    /// `offboard`).
    public func offboard(
        _ slugOrID: String, exportTo path: String, actor: String, reason: String, keepingPooledEvents: Bool = false
    ) async throws -> OffboardingOutcome {
        try Self.check(reason: reason)
        return try await offboard(try await resolve(slugOrID), exportTo: path, actor: actor, reason: reason, keepingPooledEvents: keepingPooledEvents)
    }

    /// Deletes the pooled rows of a tenant that moved to a database of its own or was
    /// offboarded, once their verified copy is recorded (`PooledCopyPurge`): for a copy kept at
    /// the time, or a move made before purges existed. Purging again deletes nothing.
    public func purgePooledCopy(_ slugOrID: String, actor: String, reason: String) async throws -> PooledCopyPurge.Receipt {
        try Self.check(reason: reason)
        let tenantID = try await resolve(slugOrID)
        return try await TenantMoveLock.withLock(on: operatorPool.configuration, tenant: tenantID) {
            let located = try await placements.located(tenantID)
            if case .pooled(let cell) = located.placement, cell != .main, let location = located.location {
                // An offboarded tenant of another cell: its rows there, fenced against its export.
                guard try await lifecycle.load(tenantID)?.status == .offboarded else {
                    throw CellMoveError("tenant \(slugOrID) lives in cell \(cell): its rows there are in use")
                }
                let fence = TenantFence(administrator: try await router.cells.checkedAdministrator(location, identity: located.identity))
                switch await purgeCellCopy(tenantID, in: cell, fence: fence, actor: actor, reason: reason) {
                case .success(let receipt):
                    try await returnToMain(tenantID)
                    return PooledCopyPurge.Receipt(events: receipt.events, streams: receipt.streams, snapshots: receipt.snapshots, checksum: "")
                case .failure(let error):
                    throw error
                }
            }
            return try await pooledCopyPurge.purge(tenantID, actor: actor, reason: reason)
        }
    }

    /// What forgetting a tenant's personal data did.
    public struct ForgettingOutcome: Sendable {
        /// The tenant after it (its name, email and attributes erased when the whole tenant was
        /// forgotten).
        public let tenant: TenantState
        /// Keys destroyed, in every database that held the tenant's (0 when they already were).
        public let keys: Int64
        /// Snapshots deleted.
        public let snapshots: Int64
    }

    /// Forgets the personal data of a tenant (crypto-shredding, Decision 31): destroys its data
    /// keys, or only those of one of its data subjects, in its own database first (when it has
    /// one) and then in the platform's, which records who and why on the tenant's stream. From
    /// then on every read, projection, export and replay shows the fields they sealed as
    /// erased. The registry is caught up and the tables vacuumed before it returns. Running it
    /// again destroys nothing more and records the request again.
    public func forget(_ slugOrID: String, subject: String?, actor: String, reason: String) async throws -> ForgettingOutcome {
        try Self.check(reason: reason)
        if let subject, !(1...200).contains(subject.unicodeScalars.count) || subject.utf8.contains(0) {
            throw TenantLifecycleError.invalidInput("a data subject is 1 to 200 characters without U+0000")
        }
        let id = try await resolve(slugOrID)
        var keys: Int64 = 0
        var snapshots: Int64 = 0
        /// Forgets in the tenant's own database (dedicated, or its cell's) unless it is where
        /// `done` was; returns the placement it found (`main`'s is done with the control plane).
        func forgetInOwnDatabase(unless done: TenantPlacement?) async throws -> TenantPlacement {
            let located = try await placements.located(id)
            guard located.placement != done else { return located.placement }
            let administrator: PostgresConfiguration
            switch located.placement {
            case .dedicated(let database, let clusterURL):
                administrator = (clusterURL.map { PostgresConfiguration(connectionString: $0) } ?? clusterAdministrator).with(database: database)
            case .pooled(let cell):
                guard cell != .main, let location = located.location else { return located.placement }
                administrator = try await router.cells.checkedAdministrator(location, identity: located.identity)
            }
            let erasure = PersonalDataErasure(administrator: administrator)
            let receipt = try await erasure.forget(id, subject: subject, actor: actor, reason: reason, recordingInControlPlane: false)
            try await erasure.vacuum()
            keys += receipt.keys
            snapshots += receipt.snapshots
            return located.placement
        }
        // The tenant's own database (dedicated, or its cell's) holds its events and their keys:
        // forgotten there first, so the control plane records only what is done.
        let first = try await forgetInOwnDatabase(unless: nil)
        var sealedInPlace = 0
        if subject == nil {
            // Registry events written before their fields were sealed: sealed now, so that
            // destroying the key erases them too.
            sealedInPlace = try await RegistrySealing(administrator: personalDataErasure.administrator).sealClearFields(of: id)
        }
        let receipt = try await personalDataErasure.forget(id, subject: subject, actor: actor, reason: reason, recordingInControlPlane: true)
        keys += receipt.keys
        snapshots += receipt.snapshots
        // A move that switched the tenant to its own database (or another cell) since the look
        // above copied keys this forgetting had not destroyed yet; the move forgets again what
        // it finds forgotten after its switch, and this looks again after its own.
        _ = try await forgetInOwnDatabase(unless: first)
        try await registry.catchUpWithCommittedWrites()
        try await personalDataErasure.vacuum(alsoOf: [.tenantRegistry] + (sealedInPlace > 0 ? [.events] : []))
        guard let state = try await lifecycle.load(id) else { throw TenantLifecycleError.notFound(id.uuidString.lowercased()) }
        return ForgettingOutcome(tenant: state, keys: keys, snapshots: snapshots)
    }

    /// Refuses a reason that says nothing (or too much), before anything is written.
    static func check(reason: String) throws {
        if let problem = ChangeReason.problem(reason) { throw TenantLifecycleError.invalidInput(problem) }
    }

    /// Registers and provisions a tenant, waiting until it is active or failed. With the same
    /// idempotency key, a retry returns the first tenant, finishing its provisioning if a crash
    /// interrupted it.
    ///
    /// It does not wait for the registry: folding the new tenant into it took as long again as
    /// the signup (eight signups at once queue for the registry's runs), and nothing reads the
    /// registry without catching it up first. The outcome, and the API key shown only through
    /// it, is never put at risk by the registry either.
    public func create(
        _ request: SignupRequest,
        actor: String,
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> ProvisioningSaga.Outcome {
        if let requested = request.cell {
            // Refused here, before anything is registered; the saga's placement checks again
            // under the cell's lock.
            let cell = try await CellRegistry(store: EventLog(pool: operatorPool)).cell(try CellName(requested))
            if let refusal = CellPlacementPolicy.refusal(toPlaceIn: cell) { throw CellError.conflict(refusal) }
        }
        return try await saga.registerAndRun(request, actor: actor, progress: progress).outcome
    }

    /// Retries a failed tenant's provisioning (failed → provisioning → active, or failed again
    /// with the new reason), waiting for the outcome; the new first API key is in the outcome,
    /// shown once. The slug stays the tenant's. Refuses a tenant that is not `failed`. Like
    /// `create`, it does not wait for the registry.
    public func retry(
        _ slugOrID: String,
        reason: String?,
        actor: String,
        progress: @Sendable (ProvisioningStep) -> Void = { _ in }
    ) async throws -> ProvisioningSaga.Outcome {
        if let reason { try Self.check(reason: reason) }
        return try await saga.retry(try await resolve(slugOrID), actor: actor, reason: reason, progress: progress)
    }

    /// The registry, caught up first so a command sees its own writes.
    public func list(state: String?, plan: String?, cell: String? = nil) async throws -> [TenantSummary] {
        try await registry.catchUpWithCommittedWrites()
        return try await TenantSummary.list(state: state, plan: plan, cell: cell, on: operatorPool)
    }

    /// Ends every trial that is due; returns the tenants moved to their fallback plan.
    public func expireDueTrials(at time: Date = Date()) async throws -> [UUID] {
        try await registry.catchUpWithCommittedWrites()
        var expired: [UUID] = []
        for tenant in try await TenantSummary.dueTrials(at: time, on: operatorPool) {
            if try await lifecycle.expireTrialIfDue(tenant, at: time)?.plan != .trial { expired.append(tenant) }
        }
        try await registry.catchUpWithCommittedWrites()
        return expired
    }

    /// What an offboarding did.
    public struct OffboardingOutcome: Sendable {
        /// The tenant after it.
        public let tenant: TenantState
        /// Events written to the export file (the tenant's registry history and its own events).
        public let exportedEvents: Int
        /// What became of the tenant's rows in the pooled database.
        public let pooledRows: PooledRows
    }

    /// What an offboarding or a move did with the tenant's rows in the pooled database.
    public enum PooledRows: Sendable, Hashable {
        /// Deleted, as the receipt says.
        case purged(PooledCopyPurge.Receipt)
        /// Kept, retired (hidden, closed to appends), as asked; or there was no pooled copy.
        case kept
        /// Kept and retired: the purge was refused or could not run (the reason); `tenant purge`
        /// finishes it.
        case purgeDeferred(String)
    }

    /// Exports the tenant's events to a JSON Lines file, then marks it offboarded and purges
    /// its pooled rows (see the other `offboard`).
    public func offboard(_ tenantID: UUID, exportTo path: String, actor: String, reason: String) async throws -> (TenantState, Int) {
        let outcome = try await offboard(tenantID, exportTo: path, actor: actor, reason: reason, keepingPooledEvents: false)
        return (outcome.tenant, outcome.exportedEvents)
    }

    /// Exports the tenant's events to a JSON Lines file, then marks it offboarded; a dedicated
    /// tenant's database is dropped only after the export is written. A pooled tenant's copy is
    /// then retired against the fingerprint its rows had before the export, if they still have
    /// it (else the offboarding stops there: run it again to a new file, which exports and
    /// retires the tenant without recording it offboarded twice), and purged unless
    /// `keepingPooledEvents`; a tenant that moved before purges existed has its retired pooled
    /// copy purged too.
    public func offboard(
        _ tenantID: UUID, exportTo path: String, actor: String, reason: String, keepingPooledEvents: Bool
    ) async throws -> OffboardingOutcome {
        // Not while a move switches where the tenant lives.
        try await TenantMoveLock.withLock(on: operatorPool.configuration, tenant: tenantID) {
            try await offboardHoldingLock(tenantID, exportTo: path, actor: actor, reason: reason, keepingPooledEvents: keepingPooledEvents)
        }
    }

    private func offboardHoldingLock(
        _ tenantID: UUID, exportTo path: String, actor: String, reason: String, keepingPooledEvents: Bool
    ) async throws -> OffboardingOutcome {
        guard let state = try await lifecycle.load(tenantID) else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
        let located = try await placements.located(tenantID)
        if case .pooled(let cell) = located.placement, cell != .main, let location = located.location {
            return try await offboardFromCell(
                state, cell: cell, location: location, identity: located.identity, exportTo: path, actor: actor, reason: reason,
                keepingPooledEvents: keepingPooledEvents)
        }
        let placement = located.placement
        let isPooled = if case .dedicated = placement { false } else { true }
        let retirement = PooledCopyRetirement(pool: operatorPool)
        let isAlreadyOffboarded = state.status == .offboarded
        if isAlreadyOffboarded {
            // An offboarding whose database drop failed is finished by running it again, and so
            // is one that stopped before retiring a pooled copy.
            if !isPooled {
                try await releaseStorage(of: tenantID)
                return OffboardingOutcome(tenant: state, exportedEvents: 0, pooledRows: .kept)
            }
            guard try await !retirement.isRetired(tenantID) else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "offboard")
            }
        } else if !TenantService.canOffboard(state.status) {
            throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "offboard")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw TenantLifecycleError.invalidInput("export file \(path) exists already; choose a new path")
        }
        let exportedFrom = isPooled ? try await TenantEventsFingerprint.of(tenantID, on: operatorPool) : nil
        let store = try await router.eventStore(for: tenantID)
        let count = try await TenantExport.write(tenant: tenantID, tenants: lifecycle, from: store, to: path)
        let offboarded = isAlreadyOffboarded
            ? state : try await lifecycle.markOffboarded(tenantID, exportFile: path, exportedEvents: count, actor: actor, reason: reason)
        if let exportedFrom {
            guard try await retirement.retireOffboarded(tenantID, exported: exportedFrom) else {
                try await registry.catchUpWithCommittedWrites()
                throw TenantLifecycleError.invalidInput(
                    "\(state.slug) is offboarded, but events were appended while they were exported: its pooled copy is not retired; offboard it again to a new file to export and retire them")
            }
        }
        var pooledRows = PooledRows.kept
        if !keepingPooledEvents, try await retirement.isRetired(tenantID) {
            pooledRows = await purgeAfterwards(tenantID, actor: actor, reason: "offboarded: \(reason)")
        }
        try await releaseStorage(of: tenantID)
        try await registry.catchUpWithCommittedWrites()
        return OffboardingOutcome(tenant: offboarded, exportedEvents: count, pooledRows: pooledRows)
    }

    /// Purges a retired pooled copy as the last step of a command that has done its work: a
    /// refusal, or a login that may not act as the schema owner (a pooled server's, usually),
    /// leaves the rows retired and says why instead of failing what was done.
    private func purgeAfterwards(_ tenantID: UUID, actor: String, reason: String) async -> PooledRows {
        do {
            return .purged(try await pooledCopyPurge.purge(tenantID, actor: actor, reason: reason))
        } catch {
            return .purgeDeferred("\(error); the rows stay hidden: run tenantry tenant purge with the administrator URL")
        }
    }

    /// Drops a dedicated tenant's database and forgets its placement (idempotent).
    private func releaseStorage(of tenantID: UUID) async throws {
        if case let .dedicated(database, clusterURL) = try await placements.placement(of: tenantID) {
            await router.closeDedicated()
            let administrator = clusterURL.map { PostgresConfiguration(connectionString: $0) } ?? clusterAdministrator
            try await databases.drop(database: database, administrator: administrator)
        }
        try await placements.remove(tenantID)
    }
}
