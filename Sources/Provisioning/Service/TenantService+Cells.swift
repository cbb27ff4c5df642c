public import EventStore
public import Foundation
public import PostgresClient

extension TenantService {
    /// Records that a pooled tenant moved from cell `from` to cell `to` (TenantMovedBetweenCells),
    /// running `alongside` (the placement's switch) in the same control-plane transaction, so
    /// the move is recorded exactly when readers start finding the tenant in its new cell.
    /// Refused unless the tenant is pooled, active or suspended, and lives in `from`.
    public func recordMovedBetweenCells(
        _ tenantID: UUID, from: String, to: String, copiedEvents: Int64, fenced: Duration, actor: String, reason: String?,
        alongside: @escaping @Sendable (isolated PostgresConnection) throws -> Void
    ) async throws -> TenantState {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        let milliseconds = fenced.components.seconds * 1000 + fenced.components.attoseconds / 1_000_000_000_000_000
        for _ in 0..<5 {
            guard let state = try await load(tenantID) else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
            guard state.isolation == .pooled, state.status == .active || state.status == .suspended else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "move to another cell")
            }
            guard state.cell == from else {
                throw TenantLifecycleError.invalidInput("tenant \(state.slug) lives in cell \(state.cell ?? "none"), not \(from): it moved meanwhile")
            }
            let event = try TenantEvent.movedBetweenCells(.init(from: from, to: to, copiedEvents: copiedEvents, fencedMilliseconds: milliseconds))
                .newEvent(about: tenantID, metadata: metadata)
            let store = self.store
            do {
                try await store.inTenant(ControlPlane.tenantID) { connection in
                    try alongside(connection)
                    try store.append([event], to: TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID,
                                     expectedVersion: .exact(state.version), on: connection)
                }
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
            guard let updated = try await load(tenantID) else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
            return updated
        }
        throw TenantLifecycleError.invalidInput("tenant \(tenantID.uuidString.lowercased()) kept changing; try again")
    }

    /// Records that the copy a tenant left in `cell` was purged (TenantCellCopyPurged).
    public func recordCellCopyPurged(
        _ tenantID: UUID, cell: String, events: Int64, streams: Int64, snapshots: Int64, keys: Int64, actor: String, reason: String?
    ) async throws {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        try await store.append(
            [try TenantEvent.cellCopyPurged(.init(cell: cell, events: events, streams: streams, snapshots: snapshots, keys: keys))
                .newEvent(about: tenantID, metadata: metadata)],
            to: TenantStreams.tenant(tenantID), tenant: ControlPlane.tenantID)
    }
}
