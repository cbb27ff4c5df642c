import Foundation
import EventStore
import PostgresClient
import Provisioning
import Schema
import Tenancy

/// Gives a pooled tenant a database of its own: creates and migrates it, copies the tenant's
/// events there stream by stream (same ids, versions, data and metadata), verifies the copy by
/// count and checksum against the pooled one, then switches the placement and retires the
/// pooled copy in one transaction, and records TenantIsolationChanged.
///
/// Safe to run again after a crash at any point: before the switch, a partial copy is dropped
/// and redone; after it, only what is missing (the event) is recorded.
struct TenantDedication: Sendable {
    let platform: InstancePlatform

    /// What the move did.
    struct Outcome: Sendable {
        let database: String
        let fingerprint: TenantEventsFingerprint
        /// False when the tenant was already dedicated.
        let moved: Bool
    }

    func dedicate(_ tenantID: UUID, actor: String, progress: @Sendable (String) -> Void) async throws -> Outcome {
        // Not while a move between cells switches where the tenant lives.
        try await TenantMoveLock.withLock(on: platform.operatorStore.pool.configuration, tenant: tenantID) {
            try await dedicateHoldingLock(tenantID, actor: actor, progress: progress)
        }
    }

    private func dedicateHoldingLock(_ tenantID: UUID, actor: String, progress: @Sendable (String) -> Void) async throws -> Outcome {
        let tenants = platform.tenants
        guard let state = try await tenants.load(tenantID) else {
            throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased())
        }
        let placement = try await platform.placements.placement(of: tenantID)
        if case .dedicated(let database, _) = placement {
            let fingerprint = try await withDedicatedPool(database, role: DatabaseRoles.operator) { pool in
                try await TenantEventsFingerprint.of(tenantID, on: pool)
            }
            _ = try await tenants.recordDedicated(tenantID, database: database, copiedEvents: Int(fingerprint.count), actor: actor, reason: "dedicated database")
            return Outcome(database: database, fingerprint: fingerprint, moved: false)
        }
        if let cell = placement.cell, cell != .main {
            // The pooled copy a dedication retires and purges is the control plane's database's.
            throw TenantLifecycleError.invalidInput(
                "tenant \(state.slug) lives in cell \(cell): move it to cell main first (tenant move \(state.slug) --to-cell main)")
        }
        guard state.status == .active || state.status == .suspended else {
            throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "move to a dedicated database")
        }
        guard let database = DedicatedDatabaseName.forSlug(state.slug) else {
            throw TenantLifecycleError.invalidInput("tenant \(state.slug) has no valid dedicated database name")
        }

        progress("creating and migrating database \(database)")
        // A copy left by an interrupted run is not trusted: start from an empty database.
        try await platform.databases.drop(database: database, administrator: platform.clusterAdministrator)
        try await platform.databases.provision(database: database, administrator: platform.clusterAdministrator)

        let source = try await TenantEventsFingerprint.of(tenantID, on: platform.operatorStore.pool)
        progress("copying \(source.count) events")
        let keys = try await withDedicatedPool(database, role: DatabaseRoles.application) { pool in
            // Personal fields stay sealed: their keys go first, the events as stored.
            let keys = try await platform.operatorStore.copyPersonalDataKeys(of: tenantID, to: EventLog(pool: pool))
            try await copyEvents(of: tenantID, to: EventLog(pool: pool))
            return keys
        }
        let copied = try await withDedicatedPool(database, role: DatabaseRoles.operator) { pool in
            try await TenantEventsFingerprint.of(tenantID, on: pool)
        }
        guard copied == source else {
            throw TenantLifecycleError.invalidInput(
                "the copy of \(state.slug)'s events does not match the pooled copy (pooled: \(source); dedicated: \(copied)); nothing was switched")
        }
        progress("verified \(copied); retiring the pooled copy")
        try await PooledCopyRetirement(pool: platform.operatorStore.pool).retire(tenantID, movedTo: database, verified: copied)
        try await forgetAgain(keys, of: tenantID, in: database, actor: actor)
        _ = try await tenants.recordDedicated(tenantID, database: database, copiedEvents: Int(copied.count), actor: actor, reason: "dedicated database")
        return Outcome(database: database, fingerprint: copied, moved: true)
    }

    /// Appends the tenant's pooled events to `target`, each stream's in version order, a page of
    /// the feed at a time; events keep their ids, types, data (personal fields sealed, as
    /// stored) and metadata.
    private func copyEvents(of tenantID: UUID, to target: EventLog) async throws {
        var cursor = GlobalCursor.start
        var versions: [String: Int64] = [:]
        while true {
            let page = try await platform.pooledStore.readPage(
                after: cursor, filter: EventFilter(tenantID: tenantID), limit: 1000, personalData: .sealed)
            // Consecutive events of one stream go in one append.
            var run: [RecordedEvent] = []
            func flush() async throws {
                guard let first = run.first else { return }
                let stream = try StreamName(first.stream)
                let expected = versions[first.stream] ?? 0
                try await target.append(
                    try run.map { try NewEvent(id: $0.id, type: $0.type, dataJSON: $0.dataJSON, metadataJSON: $0.metadataJSON) },
                    to: stream, tenant: tenantID, expectedVersion: expected == 0 ? .noStream : .exact(expected))
                versions[first.stream] = expected + Int64(run.count)
                run.removeAll()
            }
            for event in page.events {
                if let last = run.last, last.stream != event.stream { try await flush() }
                run.append(event)
            }
            try await flush()
            cursor = page.nextCursor(after: cursor)
            if !page.isFull && !page.hasHeldBackEvents { return }
        }
    }

    /// Forgets in the dedicated database the copied keys that were forgotten in the pooled one
    /// while the copy was made: a `tenant forget` that looked before the switch found the
    /// tenant pooled and destroyed them there alone (and one that looks after it finds the
    /// tenant dedicated), so no forgotten key lives on in the copy.
    private func forgetAgain(_ keys: [EventLog.CopiedPersonalDataKey], of tenantID: UUID, in database: String, actor: String) async throws {
        let forgotten = try await platform.operatorStore.forgottenPersonalDataKeys(among: keys.map(\.id))
        let subjects = keys.filter { forgotten.contains($0.id) }.map(\.subject)
        guard !subjects.isEmpty else { return }
        let erasure = PersonalDataErasure(administrator: platform.clusterAdministrator.with(database: database))
        // The tenant's own key forgotten means the whole tenant was: every key goes.
        for subject in subjects.contains(nil) ? [nil] : subjects {
            _ = try await erasure.forget(
                tenantID, subject: subject, actor: actor, reason: "forgotten while the tenant moved to its own database",
                recordingInControlPlane: false)
        }
        try await erasure.vacuum()
    }

    /// A short-lived pool on the dedicated database, logged in as the cluster administrator
    /// acting as `role`.
    private func withDedicatedPool<Value: Sendable>(
        _ database: String, role: String, _ body: (PostgresPool) async throws -> Value
    ) async throws -> Value {
        let pool = PostgresPool(
            configuration: platform.clusterAdministrator.with(database: database).acting(as: role), maximumConnections: 2)
        do {
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}
