import EventStore
public import Foundation
public import PostgresClient

/// The registry's commands on a connection the caller holds, for the provisioning saga, which
/// does a run's reads and writes on the connection that holds the tenant's lock (see
/// `ProvisioningLock`) rather than on connections of its own.
extension TenantService {
    /// Registers a tenant as `register(_:tenantID:actor:)` does, in transactions on `connection`.
    /// Like it, tries no further when the database is away: the caller sends the signup again.
    public func register(
        _ request: SignupRequest, tenantID: UUID, actor: String, on connection: PostgresConnection
    ) async throws -> Registration {
        try request.validate()
        try await check?(TenantChange(tenant: nil, signup: request, events: [], actor: actor, reason: "signup"))
        let base = Slug.derive(from: request.organization)
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: "signup")
        for _ in 0..<8 {
            do {
                let (outcome, tenant) = try await connection.transaction { [store] connection in
                    try store.bind(tenant: ControlPlane.tenantID, on: connection)
                    let outcome = try Self.register(request, tenantID: tenantID, base: base, metadata: metadata, store: store, on: connection)
                    // A tenant registered by this very transaction has no snapshot to look for.
                    return (outcome, try loadTenant(outcome.tenantID, readingSnapshot: !outcome.isNew, on: connection))
                }
                guard let tenant else { throw TenantLifecycleError.notFound(outcome.tenantID.uuidString.lowercased()) }
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

    /// `execute(_:actor:reason:decide:)` on a connection the caller holds: the same decision,
    /// checks and hooks, with the read and the append in transactions on `connection`.
    func execute(
        _ tenantID: UUID,
        actor: String,
        reason: String?,
        on connection: PostgresConnection,
        decide: (TenantState) throws -> [TenantEvent]
    ) async throws -> TenantState {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        for _ in 0..<5 {
            let current = try await connection.transaction { [self] connection in
                try store.bind(tenant: ControlPlane.tenantID, on: connection)
                return try loadTenant(tenantID, on: connection)
            }
            guard let state = current else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
            let events = try decide(state)
            guard !events.isEmpty else { return state }
            try await check?(TenantChange(tenant: state, signup: nil, events: events, actor: actor, reason: reason))
            try await beforeAppend?(tenantID)
            do {
                return try await connection.transaction { [self] connection in
                    try store.bind(tenant: ControlPlane.tenantID, on: connection)
                    try record(events, to: tenantID, expectedVersion: state.version, metadata: metadata, on: connection)
                    return try catchUp(state, on: connection)
                }
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
        }
        throw TenantLifecycleError.invalidInput("tenant \(tenantID.uuidString.lowercased()) kept changing; try again")
    }

    /// The tenant as its events say, read inside the caller's transaction (bound to the control
    /// plane): its snapshot, when loads use them, and every event after it. Writes no snapshot
    /// (`loadTenant(_:)` does, outside the saga's transactions). `readingSnapshot: false` folds
    /// every event without looking for a snapshot.
    public func loadTenant(
        _ tenantID: UUID, readingSnapshot: Bool = true, on connection: isolated PostgresConnection
    ) throws -> TenantState? {
        let stream = TenantStreams.tenant(tenantID)
        let snapshot = usesSnapshots && readingSnapshot
            ? try SnapshotStore(pool: store.pool).load(
                stream: stream, tenant: ControlPlane.tenantID, type: TenantSnapshots.aggregateType, on: connection
            )
            : nil
        var state = TenantSnapshots.state(of: snapshot)
        var next = (state?.version ?? 0) + 1
        while true {
            let page = try store.readStream(
                stream, tenant: ControlPlane.tenantID, from: next, limit: TenantSnapshots.pageSize, on: connection
            )
            state = try Self.fold(page, into: state)
            guard page.count == TenantSnapshots.pageSize, let last = page.last else { return state }
            next = last.version + 1
        }
    }

    /// Appends events decided elsewhere (the saga) at an expected version, inside the caller's
    /// transaction (bound to the control plane).
    func record(
        _ events: [TenantEvent], to tenantID: UUID, expectedVersion: Int64, metadata: EventMetadata,
        on connection: isolated PostgresConnection
    ) throws {
        try store.append(
            try events.map { try $0.newEvent(about: tenantID, metadata: metadata) },
            to: TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID,
            expectedVersion: .exact(expectedVersion), on: connection
        )
    }
}

extension TenantService {
    /// `state` with the events recorded after it folded in, read inside the caller's transaction
    /// (bound to the control plane): one read where a whole load would take two.
    func catchUp(_ state: TenantState, on connection: isolated PostgresConnection) throws -> TenantState {
        var state = state
        while true {
            let page = try store.readStream(
                TenantStreams.tenant(state.id), tenant: ControlPlane.tenantID, from: state.version + 1,
                limit: TenantSnapshots.pageSize, on: connection
            )
            state = try Self.fold(page, into: state) ?? state
            guard page.count == TenantSnapshots.pageSize else { return state }
        }
    }
}
