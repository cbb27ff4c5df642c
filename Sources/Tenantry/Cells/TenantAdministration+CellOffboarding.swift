import EventStore
import Foundation
import PostgresClient
import Provisioning
import Schema
import Tenancy

extension TenantAdministration {
    /// Offboards a tenant living in a cell other than `main`: exports its events, records it
    /// offboarded, fences it in its cell (no more appends: 42501), checks that the fenced rows
    /// are still what was exported, records that as the verified copy and purges the rows
    /// (unless `keepingPooledEvents`; then `tenant purge` does it later), then places it back in
    /// `main`, retired there, so the cell no longer counts it. A run that found rows written
    /// during the export stops
    /// there, fenced; running it again to a new file exports and purges them.
    func offboardFromCell(
        _ state: TenantState, cell: CellName, location: CellLocation, identity: UUID?, exportTo path: String, actor: String,
        reason: String, keepingPooledEvents: Bool
    ) async throws -> OffboardingOutcome {
        let administrator = try await router.cells.checkedAdministrator(location, identity: identity)
        let fence = TenantFence(administrator: administrator)
        if state.status == .offboarded {
            guard try await !fence.hasVerifiedCopy(state.id) else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "offboard")
            }
        } else if !TenantService.canOffboard(state.status) {
            throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "offboard")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw TenantLifecycleError.invalidInput("export file \(path) exists already; choose a new path")
        }
        let cellOperator = PostgresPool(configuration: administrator.acting(as: DatabaseRoles.operator), maximumConnections: 2)
        do {
            let outcome = try await offboardFromCell(
                state, cell: cell, fence: fence, cellOperator: cellOperator, exportTo: path, actor: actor, reason: reason,
                keepingPooledEvents: keepingPooledEvents)
            await cellOperator.close()
            return outcome
        } catch {
            await cellOperator.close()
            throw error
        }
    }

    private func offboardFromCell(
        _ state: TenantState, cell: CellName, fence: TenantFence, cellOperator: PostgresPool, exportTo path: String,
        actor: String, reason: String, keepingPooledEvents: Bool
    ) async throws -> OffboardingOutcome {
        let exportedFrom = try await TenantEventsFingerprint.of(state.id, on: cellOperator)
        let store = try await router.eventStore(for: state.id)
        let count = try await TenantExport.write(tenant: state.id, tenants: lifecycle, from: store, to: path)
        let offboarded = state.status == .offboarded
            ? state : try await lifecycle.markOffboarded(state.id, exportFile: path, exportedEvents: count, actor: actor, reason: reason)
        try await fence.fence(state.id, movingTo: nil)
        let fenced = try await TenantEventsFingerprint.of(state.id, on: cellOperator)
        guard fenced == exportedFrom else {
            try await registry.catchUpWithCommittedWrites()
            throw TenantLifecycleError.invalidInput(
                "\(state.slug) is offboarded, but events were appended while they were exported: its copy in cell \(cell) is fenced, not purged; offboard it again to a new file to export and purge them")
        }
        try await fence.recordVerifiedCopy(state.id, fenced)
        var rows = PooledRows.kept
        if !keepingPooledEvents {
            switch await purgeCellCopy(state.id, in: cell, fence: fence, actor: actor, reason: "offboarded: \(reason)") {
            case .success(let receipt):
                rows = .purged(PooledCopyPurge.Receipt(
                    events: receipt.events, streams: receipt.streams, snapshots: receipt.snapshots, checksum: fenced.checksum))
                try await returnToMain(state.id)
            case .failure(let error):
                rows = .purgeDeferred(error.description)
            }
        }
        try await registry.catchUpWithCommittedWrites()
        return OffboardingOutcome(tenant: offboarded, exportedEvents: count, pooledRows: rows)
    }

    /// Places an offboarded tenant whose cell copy was purged back in `main`, its (empty) copy
    /// there retired against the offboarding, so no append of it is taken anywhere and its old
    /// cell holds nothing of it.
    func returnToMain(_ tenantID: UUID) async throws {
        let retirement = PooledCopyRetirement(pool: operatorPool)
        let empty = try await TenantEventsFingerprint.of(tenantID, on: operatorPool)
        guard try await retirement.retireOffboarded(tenantID, exported: empty) else {
            throw TenantLifecycleError.invalidInput("tenant \(tenantID.uuidString.lowercased()) got events in main meanwhile: it stays placed in its cell")
        }
        try await placements.record(.pooled(cell: .main), of: tenantID)
    }
}
