public import EventStore
public import Foundation

extension TenantService {
    /// Loads a tenant from its latest snapshot and the events after it, every one of them
    /// (page by page: nothing is ever cut off), and snapshots the result when it folded
    /// `TenantSnapshots.interval` events or more, so the next load reads fewer.
    ///
    /// The snapshot is written after the fact, of events already committed: it is the fold of
    /// versions 1…n whoever else appends meanwhile, since a stream is append-only.
    public func loadTenant(_ tenantID: UUID) async throws -> TenantLoad {
        let stream = TenantStreams.tenant(tenantID)
        let snapshots = SnapshotStore(pool: store.pool)
        let snapshot = usesSnapshots
            ? try await snapshots.load(stream: stream, tenant: ControlPlane.tenantID, type: TenantSnapshots.aggregateType)
            : nil
        var state = TenantSnapshots.state(of: snapshot)
        let snapshotVersion = state?.version ?? 0
        var eventsRead = 0
        var next = snapshotVersion + 1
        while true {
            // A long fold (the first after an upgrade) stops when its caller is cancelled.
            try Task.checkCancellation()
            let page = try await store.readStream(
                stream, tenant: ControlPlane.tenantID, from: next, limit: TenantSnapshots.pageSize
            )
            state = try Self.fold(page, into: state)
            eventsRead += page.count
            guard page.count == TenantSnapshots.pageSize, let last = page.last else { break }
            next = last.version + 1
        }
        var wroteSnapshot = false
        if usesSnapshots, let state, state.version - snapshotVersion >= TenantSnapshots.interval {
            try await snapshots.save(
                stream: stream, tenant: ControlPlane.tenantID, type: TenantSnapshots.aggregateType,
                version: state.version, state: state, sealedWith: state.personalDataKeys
            )
            wroteSnapshot = true
        }
        return TenantLoad(state: state, snapshotVersion: snapshotVersion, eventsRead: eventsRead, wroteSnapshot: wroteSnapshot)
    }

    /// Hands the tenant's recorded events to `body` page by page, oldest first, so a caller
    /// (an export) never holds a long stream in memory.
    public func forEachHistoryPage(
        _ tenantID: UUID,
        pageSize: Int = 1000,
        _ body: ([RecordedEvent]) async throws -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            try Task.checkCancellation()
            let page = try await history(tenantID, after: after, limit: pageSize)
            if !page.isEmpty { try await body(page) }
            guard page.count == pageSize, let last = page.last else { return }
            after = last.version
        }
    }
}
