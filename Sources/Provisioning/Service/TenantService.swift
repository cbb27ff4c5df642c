public import EventStore
public import Foundation
import PostgresClient

/// The tenant registry's commands and queries: the tenant aggregate, event-sourced on
/// `tenant-<id>` under the control-plane tenant.
///
/// Every command loads the tenant's events, decides what happens (or refuses with
/// `TenantLifecycleError`, writing nothing) and appends with the version it loaded as the
/// expected version, so two concurrent commands cannot both act on the same state.
public struct TenantService: Sendable {
    /// Called after a command decided and before it appends (with the tenant's id); a test
    /// holds writers there to make them race for the same version.
    public typealias BeforeAppend = @Sendable (UUID) async throws -> Void

    /// An event store acting as `tenantry_operator` (the registry is control-plane data).
    public let store: EventLog
    private let now: @Sendable () -> Date
    let beforeAppend: BeforeAppend?
    let check: TenantChangeCheck?
    /// Whether loads start from (and write) the aggregate's snapshots in the control plane; a
    /// single-tenant instance's login may not use them and folds its own stream instead.
    public let usesSnapshots: Bool

    /// `check` sees every decided change before it is written (see `TenantChange`).
    public init(
        store: EventLog,
        now: @escaping @Sendable () -> Date = { Date() },
        beforeAppend: BeforeAppend? = nil,
        check: TenantChangeCheck? = nil,
        usesSnapshots: Bool = true
    ) {
        self.store = store
        self.now = now
        self.beforeAppend = beforeAppend
        self.check = check
        self.usesSnapshots = usesSnapshots
    }

    // MARK: Signup

    /// What a registration did.
    public struct Registration: Sendable {
        public let tenant: TenantState
        /// False when an earlier signup with the same idempotency key is returned.
        public let isNew: Bool
    }

    /// Registers a tenant (state `provisioning`) with a unique slug derived from its name. A
    /// retry with the same idempotency key returns the first signup's tenant.
    /// The new tenant gets `tenantID` (a caller that must hold the tenant's lock before the
    /// registration commits chooses it first; see `ProvisioningSaga.registerAndRun`).
    public func register(_ request: SignupRequest, tenantID: UUID = UUID(), actor: String) async throws -> Registration {
        try request.validate()
        try await check?(TenantChange(tenant: nil, signup: request, events: [], actor: actor, reason: "signup"))
        let base = Slug.derive(from: request.organization)
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: "signup")
        // A concurrent signup may take the same slug or key between our check and our append:
        // then the append's expected version fails, the transaction rolls back, and we go again.
        for _ in 0..<8 {
            do {
                let outcome = try await store.inTenant(ControlPlane.tenantID) { [store] connection in
                    try Self.register(request, tenantID: tenantID, base: base, metadata: metadata, store: store, on: connection)
                }
                guard let tenant = try await load(outcome.tenantID) else {
                    throw TenantLifecycleError.notFound(outcome.tenantID.uuidString.lowercased())
                }
                if !outcome.isNew, tenant.name != request.organization || tenant.email != request.email {
                    throw TenantLifecycleError.invalidInput(
                        "idempotency key \(request.idempotencyKey ?? "") was used for another signup (tenant \(tenant.slug)); use a new key"
                    )
                }
                return Registration(tenant: tenant, isNew: outcome.isNew)
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
        }
        throw TenantLifecycleError.invalidInput("could not find a free slug for \"\(request.organization)\"; try another name")
    }

    static func register(
        _ request: SignupRequest,
        tenantID: UUID,
        base: String,
        metadata: EventMetadata,
        store: EventLog,
        on connection: isolated PostgresConnection
    ) throws -> (tenantID: UUID, isNew: Bool) {
        let controlPlane = ControlPlane.tenantID
        if let key = request.idempotencyKey {
            let earlier = try store.readStream(try TenantStreams.signup(key), tenant: controlPlane, limit: 1, on: connection)
            if let first = earlier.first {
                return (try first.decodeData(as: TenantStreams.Claim.self).tenantId, false)
            }
        }
        var chosen: String?
        for candidate in Slug.candidates(for: base, style: request.slugStyle)
        where try store.streamVersion(try TenantStreams.slug(candidate), tenant: controlPlane, on: connection) == nil {
            chosen = candidate
            break
        }
        guard let slug = chosen else {
            throw TenantLifecycleError.invalidInput("no free slug for \"\(request.organization)\"")
        }
        let claim = try NewEvent(type: "SlugClaimed", data: TenantStreams.Claim(tenantId: tenantID), metadata: metadata)
        try store.append([claim], to: try TenantStreams.slug(slug), tenant: controlPlane, expectedVersion: .noStream, on: connection)
        let registered = TenantEvent.registered(.init(
            tenantId: tenantID, name: request.organization, slug: slug, email: request.email,
            plan: request.plan, isolation: request.isolation, clusterURL: request.clusterURL, cell: request.cell
        ))
        try store.append(
            [try registered.newEvent(about: tenantID, metadata: metadata)],
            to: TenantStreams.tenant(tenantID), tenant: controlPlane, expectedVersion: .noStream, on: connection
        )
        if let key = request.idempotencyKey {
            let signup = try NewEvent(type: "SignupReceived", data: TenantStreams.Claim(tenantId: tenantID), metadata: metadata)
            try store.append([signup], to: try TenantStreams.signup(key), tenant: controlPlane, expectedVersion: .noStream, on: connection)
        }
        return (tenantID, true)
    }

    // MARK: Queries

    /// The tenant as its events say, or nil if it was never registered: its latest snapshot
    /// and the events after it (see `loadTenant`).
    public func load(_ tenantID: UUID) async throws -> TenantState? {
        try await loadTenant(tenantID).state
    }

    /// The tenant's recorded events, oldest first: who did what, when and why. All of them, read
    /// page by page; an export uses `forEachHistoryPage` instead, not to hold them all.
    public func history(_ tenantID: UUID) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        try await forEachHistoryPage(tenantID) { events += $0 }
        return events
    }

    /// A page of the tenant's recorded events: those after `version`, oldest first, at most `limit`.
    public func history(_ tenantID: UUID, after version: Int64, limit: Int) async throws -> [RecordedEvent] {
        guard version < .max else { return [] }
        return try await store.readStream(
            TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID, from: version + 1, limit: limit
        )
    }

    /// The tenant that holds a slug, if any.
    public func tenantID(forSlug slug: String) async throws -> UUID? {
        guard let stream = try? TenantStreams.slug(slug) else { return nil }
        let claim = try await store.readStream(stream, tenant: ControlPlane.tenantID, limit: 1).first
        return try claim?.decodeData(as: TenantStreams.Claim.self).tenantId
    }

    /// Folds events into a state (a snapshot's, or none before the first event).
    static func fold(_ events: [RecordedEvent], into start: TenantState? = nil) throws -> TenantState? {
        var state = start
        for recorded in events {
            guard let event = try TenantEvent(recorded) else { continue }
            if case .registered(let registered) = event, state == nil {
                state = TenantState(registered: registered, at: recorded.recordedAt, version: recorded.version)
            } else {
                state?.apply(event, at: recorded.recordedAt, version: recorded.version)
            }
            state?.noteOpened(by: recorded.sealingKeyID)
        }
        return state
    }

    // MARK: Lifecycle commands

    /// active → suspended (`TenantLifecycle.suspend`).
    public func suspend(_ tenantID: UUID, reason: String, actor: String) async throws -> TenantState {
        try await execute(tenantID, actor: actor, reason: reason) { state in
            try TenantLifecycle.suspend(state, reason: reason)
        }
    }

    /// Sets and removes custom attributes (any state but offboarded). Names are checked; a
    /// change that changes nothing records nothing.
    public func changeAttributes(
        _ tenantID: UUID, set: [String: TenantAttributeValue], remove: [String], actor: String, reason: String? = nil
    ) async throws -> TenantState {
        for name in set.keys.sorted() + remove {
            if let problem = TenantAttributeValue.problem(withName: name) { throw TenantLifecycleError.invalidInput(problem) }
        }
        return try await execute(tenantID, actor: actor, reason: reason) { state in
            try TenantLifecycle.changeAttributes(state, set: set, remove: remove)
        }
    }

    /// suspended → active (`TenantLifecycle.reactivate`).
    public func reactivate(_ tenantID: UUID, reason: String, actor: String) async throws -> TenantState {
        try await execute(tenantID, actor: actor, reason: reason) { state in
            try TenantLifecycle.reactivate(state, reason: reason)
        }
    }

    /// Moves an active tenant to another plan (`TenantLifecycle.changePlan`). With `caps`,
    /// refused (`TenantCapError`) once the tenant changed plans that often today.
    public func changePlan(
        _ tenantID: UUID, to plan: Plan, actor: String, reason: String? = nil, selfServe: Bool = false, caps: TenantDailyCaps? = nil
    ) async throws -> TenantState {
        let time = Date()
        return try await execute(tenantID, actor: actor, reason: reason) { state in
            let events = try TenantLifecycle.changePlan(state, to: plan, selfServe: selfServe)
            try caps?.admit(.plan, to: state, at: time)
            return events
        }
    }

    /// Ends a trial that is due (`TenantLifecycle.expireTrialIfDue`). Nothing when the tenant
    /// is not on a due trial (so a scheduler may call it freely).
    @discardableResult
    public func expireTrialIfDue(_ tenantID: UUID, at time: Date? = nil, actor: String = "system:trial-expiry") async throws -> TenantState? {
        let currentTime = time ?? now()
        return try await execute(tenantID, actor: actor, reason: "trial ended") { state in
            TenantLifecycle.expireTrialIfDue(state, at: currentTime)
        }
    }

    /// active, suspended or failed → offboarded, once its events were exported to `exportFile`.
    public func markOffboarded(
        _ tenantID: UUID, exportFile: String, exportedEvents: Int, actor: String, reason: String
    ) async throws -> TenantState {
        try await execute(tenantID, actor: actor, reason: reason) { state in
            try TenantLifecycle.offboard(state, exportFile: exportFile, exportedEvents: exportedEvents)
        }
    }

    /// Whether a tenant in this state may be offboarded.
    public static func canOffboard(_ status: TenantStatus) -> Bool {
        TenantLifecycle.canOffboard(status)
    }

    /// Loads, decides, appends at the loaded version; retries on a concurrent change.
    func execute(
        _ tenantID: UUID,
        actor: String,
        reason: String?,
        decide: (TenantState) throws -> [TenantEvent]
    ) async throws -> TenantState {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        for _ in 0..<5 {
            guard let state = try await load(tenantID) else {
                throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
            }
            let events = try decide(state)
            guard !events.isEmpty else { return state }
            try await check?(TenantChange(tenant: state, signup: nil, events: events, actor: actor, reason: reason))
            try await beforeAppend?(tenantID)
            do {
                try await store.append(
                    try events.map { try $0.newEvent(about: tenantID, metadata: metadata) },
                    to: TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID,
                    expectedVersion: .exact(state.version)
                )
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
            guard let updated = try await load(tenantID) else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
            return updated
        }
        throw TenantLifecycleError.invalidInput("tenant \(tenantID.uuidString.lowercased()) kept changing; try again")
    }

    /// Appends events decided elsewhere (the saga) at an expected version.
    func record(_ events: [TenantEvent], to tenantID: UUID, expectedVersion: Int64, metadata: EventMetadata) async throws {
        try await store.append(
            try events.map { try $0.newEvent(about: tenantID, metadata: metadata) },
            to: TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID,
            expectedVersion: .exact(expectedVersion)
        )
    }
}
