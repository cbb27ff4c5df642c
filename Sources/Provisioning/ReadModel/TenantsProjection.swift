public import EventStore
import Foundation
public import PostgresClient

/// Keeps `tenantry.tenants`, the registry operators list and search, from the tenant streams.
/// Runs as `tenantry_operator`.
///
/// It folds only new events: each tenant's fold is kept as a snapshot of its own
/// (`TenantSnapshots.registryType`), written in the batch's transaction next to the row and the
/// checkpoint, so it is never ahead of or behind them. For each tenant a batch touches it reads
/// that snapshot and the events after it up to the newest the batch holds (never the whole
/// stream), then writes the row and the snapshot. Applying is idempotent (events at or below
/// the snapshot are skipped) and a row is never half right.
public struct TenantsProjection: Projection {
    /// Told, for each tenant a batch touched, how many events were read to bring its row up to
    /// date (a test proves the work per new event does not grow with the stream).
    public typealias Observer = @Sendable (_ stream: String, _ eventsRead: Int) -> Void

    /// The projection's name, which names its checkpoint (readiness measures its lag from it).
    public static let checkpointName = "tenants"

    public let name = TenantsProjection.checkpointName
    public let filter = EventFilter(tenantID: ControlPlane.tenantID, categories: ["tenant"])
    private let store: EventLog
    private let observer: Observer?

    public init(store: EventLog, observer: Observer? = nil) {
        self.store = store
        self.observer = observer
    }

    public func apply(_ events: [RecordedEvent], in connection: PostgresConnection) async throws {
        // Each stream's events in the batch, streams in the order they first appear.
        var batches: [String: [RecordedEvent]] = [:]
        var touched: [String] = []
        for event in events {
            if batches[event.stream] == nil { touched.append(event.stream) }
            batches[event.stream, default: []].append(event)
        }
        guard !touched.isEmpty else { return }
        // Control-plane snapshots are written by the operator in a transaction bound to the
        // control plane (migration 0105).
        try await store.bind(tenant: ControlPlane.tenantID, on: connection)
        let streams = try touched.map { try StreamName($0) }
        let snapshots = try await SnapshotStore(pool: store.pool).load(
            streams: streams, tenant: ControlPlane.tenantID, type: TenantSnapshots.registryType, on: connection
        )
        for stream in streams {
            guard let batch = batches[stream.rawValue] else { continue }
            guard let state = try await fold(stream, from: snapshots[stream.rawValue], batch: batch, in: connection) else { continue }
            try await connection.query("""
                INSERT INTO tenantry.tenants
                    (tenant_id, slug, name, email, state, plan, isolation, cell, trial_ends_at, failure_reason, compensation_owed,
                     created_at, updated_at, version)
                VALUES (\(state.id), \(state.slug), \(state.name), \(state.email), \(state.status.rawValue), \(state.plan.rawValue),
                        \(state.isolation.rawValue), \(state.cell), \(state.trialEndsAt), \(state.failureReason), \(!state.compensationsOwed.isEmpty),
                        \(state.createdAt), \(state.updatedAt), \(state.version))
                ON CONFLICT (tenant_id) DO UPDATE SET
                    slug = excluded.slug, name = excluded.name, email = excluded.email, state = excluded.state,
                    plan = excluded.plan, isolation = excluded.isolation, cell = excluded.cell, trial_ends_at = excluded.trial_ends_at,
                    failure_reason = excluded.failure_reason, compensation_owed = excluded.compensation_owed, updated_at = excluded.updated_at, version = excluded.version
                """)
        }
    }

    public func reset(in connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM tenantry.tenants")
        try await store.bind(tenant: ControlPlane.tenantID, on: connection)
        try await SnapshotStore(pool: store.pool).deleteAll(type: TenantSnapshots.registryType, tenant: ControlPlane.tenantID, on: connection)
    }

    /// The tenant's state at the newest version in `batch` or later: the registry's snapshot
    /// (`snapshot`, read for every stream of the batch at once) and the events after it, which
    /// are the batch's own when it holds them all (the usual case), else read from the stream.
    /// Every version up to the batch's newest is committed (an append waits for the stream's
    /// earlier appends to commit), even those the feed has not delivered yet; reading them now
    /// and skipping them when they come is what keeps the work per event constant.
    private func fold(
        _ stream: StreamName, from snapshot: Snapshot?, batch: [RecordedEvent], in connection: PostgresConnection
    ) async throws -> TenantState? {
        var state = TenantSnapshots.state(of: snapshot)
        let start = state?.version ?? 0
        let newer = batch.filter { $0.version > start }.sorted { $0.version < $1.version }
        guard let target = newer.last?.version else { return nil }
        var eventsRead = 0
        var next = start + 1
        if newer.first?.version == next, target - next + 1 == Int64(newer.count) {
            state = try TenantService.fold(newer, into: state)
            eventsRead = newer.count
            next = target + 1
        }
        while next <= target {
            let page = try await store.readStream(
                stream, tenant: ControlPlane.tenantID, from: next,
                limit: Int(min(target - next + 1, Int64(TenantSnapshots.pageSize))), on: connection
            )
            guard let last = page.last else { break }
            state = try TenantService.fold(page, into: state)
            eventsRead += page.count
            next = last.version + 1
        }
        observer?(stream.rawValue, eventsRead)
        guard let state else { return nil }
        try await SnapshotStore(pool: store.pool).save(
            stream: stream, tenant: ControlPlane.tenantID, type: TenantSnapshots.registryType,
            version: state.version, state: state, sealedWith: state.personalDataKeys, on: connection
        )
        return state
    }
}
