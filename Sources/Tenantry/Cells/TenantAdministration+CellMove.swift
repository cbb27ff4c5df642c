import EventStore
public import Foundation
import PostgresClient
import Provisioning
import Schema
public import Tenancy

extension TenantAdministration {
    /// What a move between cells did.
    public struct CellMoveOutcome: Sendable {
        public let from: CellName
        public let to: CellName
        /// Events in the verified copy.
        public let copiedEvents: Int64
        /// Copy rounds before the fence (the last one under it not counted).
        public let rounds: Int
        /// From the fence's commit to the placement's switch: how long the tenant's appends
        /// were refused (to be retried).
        public let fenced: Duration
        /// The old copy's purge, or why it was left (`--keep-source`, a refusal, a login that
        /// may not act as the owner).
        public let purge: Result<TenantFence.Receipt, CellMoveError>
        /// False when the tenant already lived in `to` (only a pending purge was finished).
        public let moved: Bool
    }

    /// Events left to copy below which the next round runs under the fence.
    static let fenceThreshold = 2_000
    /// Rounds before the fence at most, however much is still written meanwhile.
    static let maximumRounds = 8

    /// Moves a pooled tenant to cell `target` while it keeps working: copies its personal data
    /// keys and events (ids and versions kept, personal fields sealed as stored) in rounds until
    /// little is left, fences its appends in the old cell (they wait for the appends in flight;
    /// later ones are refused with `EventStoreError.tenantMoving`, to be retried), copies the
    /// rest, checks every stream's version, switches the placement and records
    /// TenantMovedBetweenCells in one control-plane transaction, forgets in the new cell what was
    /// forgotten in the old one meanwhile, then verifies the whole copy by count and checksum
    /// against the frozen old one and purges that (unless `keepingSource`).
    ///
    /// Holds the tenant's `TenantMoveLock` throughout. Safe to run again: a copy left in the
    /// target by a run that stopped is checked to be a part of the tenant's history and reused,
    /// a move abandoned before its switch lifts its fence, a copy an earlier move kept is
    /// purged first, and a tenant already in `target` only has a pending purge finished.
    public func move(
        _ slugOrID: String, toCell target: CellName, actor: String, reason: String, keepingSource: Bool,
        progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> CellMoveOutcome {
        try Self.check(reason: reason)
        let tenantID = try await resolve(slugOrID)
        return try await TenantMoveLock.withLock(on: operatorPool.configuration, tenant: tenantID) {
            guard let state = try await lifecycle.load(tenantID) else { throw TenantLifecycleError.notFound(slugOrID) }
            let located = try await placements.located(tenantID)
            guard case .pooled(let from) = located.placement, let fromLocation = located.location else {
                throw CellMoveError("tenant \(state.slug) has a database of its own: only pooled tenants live in cells")
            }
            let cells = try await CellRegistry(store: EventLog(pool: operatorPool)).list()
            if from == target {
                let purge = try await finishPendingPurge(of: state, cells: cells, actor: actor, reason: reason, keepingSource: keepingSource)
                return CellMoveOutcome(from: from, to: target, copiedEvents: 0, rounds: 0, fenced: .zero, purge: purge, moved: false)
            }
            guard state.status == .active || state.status == .suspended else {
                throw TenantLifecycleError.illegalTransition(slug: state.slug, from: state.status, action: "move to another cell")
            }
            guard let destination = cells.first(where: { $0.name == target }) else { throw CellError.notFound(target.rawValue) }
            if let refusal = CellPlacementPolicy.refusal(toPlaceIn: destination) { throw CellError.conflict(refusal) }
            if let kept = state.unpurgedCellCopy, let keptCell = cells.first(where: { $0.name.rawValue == kept }) {
                // One copy left behind at a time: the one an earlier move kept goes first.
                progress("purging the copy \(state.slug)'s last move kept in cell \(kept)")
                if case .failure(let refusal) = try await verifyAndPurgeLeftCopy(of: state, left: keptCell, actor: actor, reason: reason) {
                    throw refusal
                }
            }
            let sourceAdministrator = try await router.cells.checkedAdministrator(fromLocation, identity: located.identity)
            let targetAdministrator = try await router.cells.checkedAdministrator(destination.location, identity: destination.identity)
            let sourceOperator = PostgresPool(configuration: sourceAdministrator.acting(as: DatabaseRoles.operator), maximumConnections: 2)
            let targetOperator = PostgresPool(configuration: targetAdministrator.acting(as: DatabaseRoles.operator), maximumConnections: 2)
            do {
                let outcome = try await move(
                    try await lifecycle.load(tenantID) ?? state,
                    from: (from, sourceAdministrator, sourceOperator), to: (destination, targetAdministrator, targetOperator),
                    actor: actor, reason: reason, keepingSource: keepingSource, progress: progress)
                await sourceOperator.close()
                await targetOperator.close()
                return outcome
            } catch {
                await sourceOperator.close()
                await targetOperator.close()
                throw error
            }
        }
    }

    /// The move itself, holding the tenant's lock, on pools the caller closes.
    private func move(
        _ state: TenantState,
        from origin: (cell: CellName, administrator: PostgresConfiguration, operator: PostgresPool),
        to destination: (cell: Cell, administrator: PostgresConfiguration, operator: PostgresPool),
        actor: String, reason: String, keepingSource: Bool, progress: @Sendable (String) -> Void
    ) async throws -> CellMoveOutcome {
        let tenantID = state.id
        let (from, sourceAdministrator, sourceOperator) = origin
        let (target, targetOperator) = (destination.cell.name, destination.operator)
        let source = EventLog(pool: sourceOperator)
        let targetStore = try await router.store(of: destination.cell)
        try await prepareDestination(of: state, in: destination.cell, administrator: destination.administrator,
                                     operator: targetOperator, source: sourceOperator, actor: actor, reason: reason)

        progress("copying \(state.slug)'s personal data keys and events from cell \(from) to cell \(target)")
        _ = try await source.copyPersonalDataKeys(of: tenantID, to: targetStore)
        var copy = CellEventCopy(source: source, target: targetStore, tenant: tenantID, targetVersions: try await targetStore.streamVersions(of: tenantID))
        var since: EventLog.TransactionMark?
        var rounds = 0
        while rounds < Self.maximumRounds {
            let mark = try await source.transactionMark()
            let copied = try await copy.copy(since: since)
            since = mark
            rounds += 1
            progress("round \(rounds): \(copied) events copied")
            if rounds > 1 && copied <= Self.fenceThreshold { break }
        }

        let sourceFence = TenantFence(administrator: sourceAdministrator)
        let clock = ContinuousClock()
        let fencedAt = clock.now
        let sourceVersions: [String: Int64]
        let fenced: Duration
        do {
            for attempt in 1...3 {
                do {
                    try await sourceFence.fence(tenantID, movingTo: target)
                    break
                } catch is TenantFence.AppendsInFlight where attempt < 3 {
                    // A long transaction of the tenant held the fence off: copy what came meanwhile
                    // and try again.
                    progress("appends still in flight after the fence's wait; copying and fencing again")
                    let mark = try await source.transactionMark()
                    _ = try await copy.copy(since: since)
                    since = mark
                }
            }
            _ = try await copy.copy(since: since)
            _ = try await source.copyPersonalDataKeys(of: tenantID, to: targetStore)
            sourceVersions = try await source.streamVersions(of: tenantID)
            guard sourceVersions == copy.versions else {
                let differing = sourceVersions.filter { copy.versions[$0.key] != $0.value }.keys.sorted().prefix(3)
                throw CellMoveError("the copy's streams do not match the source's (\(differing.joined(separator: ", "))): nothing was switched")
            }
            let copiedEvents = sourceVersions.values.reduce(0, +)
            let placements = self.placements
            _ = try await lifecycle.recordMovedBetweenCells(
                tenantID, from: from.rawValue, to: target.rawValue, copiedEvents: copiedEvents, fenced: clock.now - fencedAt,
                actor: actor, reason: reason
            ) { connection in
                try placements.movePooled(tenantID, from: from, to: target, on: connection)
            }
            fenced = clock.now - fencedAt
        } catch {
            try await abandon(state, in: from, fence: sourceFence, after: error)
            throw error
        }
        progress("switched to cell \(target) after \(fenced) fenced; verifying the copy")
        try await forgetAgain(of: tenantID, current: targetStore, administrator: destination.administrator, forgottenIn: source, actor: actor)

        let frozen = try await Self.verifyLeftCopy(
            of: state, left: (from, sourceOperator, sourceFence), current: (target, targetOperator), versions: sourceVersions)
        let purge: Result<TenantFence.Receipt, CellMoveError> = keepingSource
            ? .failure(CellMoveError("kept (--keep-source): tenant purge \(state.slug) deletes it"))
            : await purgeCellCopy(tenantID, in: from, fence: sourceFence, actor: actor, reason: reason)
        try await registry.catchUpWithCommittedWrites()
        return CellMoveOutcome(from: from, to: target, copiedEvents: frozen.count, rounds: rounds, fenced: fenced, purge: purge, moved: true)
    }

    /// Makes the destination ready for the copy: a fence left there by an earlier move out of
    /// it goes (with the copy it guarded, verified and purged first), and events of the tenant
    /// left by a move into it that stopped are kept only if they are a part of its history.
    private func prepareDestination(
        of state: TenantState, in cell: Cell, administrator: PostgresConfiguration, operator targetOperator: PostgresPool,
        source sourceOperator: PostgresPool, actor: String, reason: String
    ) async throws {
        let fence = TenantFence(administrator: administrator)
        do {
            try await fence.lift(state.id)
        } catch is TenantFence.Refusal {
            if case .failure(let refusal) = try await verifyAndPurgeLeftCopy(of: state, left: cell, actor: actor, reason: reason) {
                throw refusal
            }
            try await fence.lift(state.id)
        }
        let leftVersions = try await EventLog(pool: targetOperator).streamVersions(of: state.id)
        guard !leftVersions.isEmpty else { return }
        let left = try await TenantEventsFingerprint.of(state.id, on: targetOperator)
        let history = try await TenantEventsFingerprint.of(state.id, upTo: leftVersions, on: sourceOperator)
        guard left == history else {
            throw CellMoveError(
                "cell \(cell.name) holds events of \(state.slug) (\(left)) that are not a part of its history (\(history)): nothing was copied; inspect them")
        }
    }

    /// After a move stopped before its switch: if the placement surely still names the old cell,
    /// its fence goes, so the tenant writes there again; if that cannot be known (the database
    /// went away around the switch's commit), the fence stays and running the move again
    /// finishes or abandons it.
    private func abandon(_ state: TenantState, in cell: CellName, fence: TenantFence, after error: any Error) async throws {
        if let postgres = PostgresError(underlying: error), postgres.isDatabaseUnavailable || postgres.kind == .timedOut { return }
        for attempt in 0..<3 {
            do {
                guard try await placements.placement(of: state.id) == .pooled(cell: cell) else { return }
                _ = try await fence.lift(state.id, placedHere: true)
                return
            } catch where attempt < 2 {
                try await Task.sleep(for: .milliseconds(200 << attempt))
            }
        }
    }

    /// Purges the copy a tenant's last move between cells left in its old cell (kept with
    /// `--keep-source`, or left by a refusal); nil when there is none. The copy must still be
    /// the verified one.
    public func purgeLeftCellCopy(_ slugOrID: String, actor: String, reason: String) async throws -> (cell: CellName, receipt: TenantFence.Receipt)? {
        try Self.check(reason: reason)
        let tenantID = try await resolve(slugOrID)
        return try await TenantMoveLock.withLock(on: operatorPool.configuration, tenant: tenantID) {
            try await purgeLeftCellCopy(of: tenantID, actor: actor, reason: reason)
        }
    }

    private func purgeLeftCellCopy(of tenantID: UUID, actor: String, reason: String) async throws -> (cell: CellName, receipt: TenantFence.Receipt)? {
        guard let state = try await lifecycle.load(tenantID) else { throw TenantLifecycleError.notFound(tenantID.uuidString.lowercased()) }
        guard let pending = state.unpurgedCellCopy else { return nil }
        let cellName = try CellName(pending)
        let cell = try await CellRegistry(store: EventLog(pool: operatorPool)).cell(cellName)
        guard try await placements.placement(of: state.id) != .pooled(cell: cellName) else {
            throw CellMoveError("tenant \(state.slug) lives in cell \(cellName): its copy there is the one in use")
        }
        switch try await verifyAndPurgeLeftCopy(of: state, left: cell, actor: actor, reason: reason) {
        case .success(let receipt): return (cellName, receipt)
        case .failure(let error): throw error
        }
    }

    /// Purges the copy a move left in cell `cell` and records it; a refusal or a login that may
    /// not act as the owner leaves it fenced and says why.
    func purgeCellCopy(_ tenantID: UUID, in cell: CellName, fence: TenantFence, actor: String, reason: String) async -> Result<TenantFence.Receipt, CellMoveError> {
        do {
            let receipt = try await fence.purge(tenantID, actor: actor, reason: reason)
            try await lifecycle.recordCellCopyPurged(
                tenantID, cell: cell.rawValue, events: receipt.events, streams: receipt.streams, snapshots: receipt.snapshots,
                keys: receipt.keys, actor: actor, reason: reason)
            return .success(receipt)
        } catch {
            return .failure(CellMoveError("\(error); the old copy stays fenced: run tenantry tenant purge with the administrator URL"))
        }
    }

    /// For a tenant already in its cell: purges the copy its last move left, if any.
    private func finishPendingPurge(
        of state: TenantState, cells: [Cell], actor: String, reason: String, keepingSource: Bool
    ) async throws -> Result<TenantFence.Receipt, CellMoveError> {
        guard let pending = state.unpurgedCellCopy, let cellName = try? CellName(pending),
              let cell = cells.first(where: { $0.name == cellName }) else {
            return .failure(CellMoveError("nothing left to purge"))
        }
        guard !keepingSource else { return .failure(CellMoveError("kept (--keep-source)")) }
        return try await verifyAndPurgeLeftCopy(of: state, left: cell, actor: actor, reason: reason)
    }

    /// Verifies the copy a move left in its old cell (frozen by the fence) against the tenant's
    /// copy in its current cell up to the same stream versions (`versions`, or the old copy's
    /// own when nil), and records the verified fingerprint in the old cell's fence, the ground
    /// for purging it. Nothing is recorded when they differ: the old copy stays, fenced.
    static func verifyLeftCopy(
        of state: TenantState, left: (cell: CellName, operator: PostgresPool, fence: TenantFence),
        current: (cell: CellName, operator: PostgresPool), versions: [String: Int64]? = nil
    ) async throws -> TenantEventsFingerprint {
        var frozenVersions = versions ?? [:]
        if versions == nil { frozenVersions = try await EventLog(pool: left.operator).streamVersions(of: state.id) }
        let frozen = try await TenantEventsFingerprint.of(state.id, on: left.operator)
        let copied = try await TenantEventsFingerprint.of(state.id, upTo: frozenVersions, on: current.operator)
        guard frozen == copied else {
            throw CellMoveError(
                "\(state.slug) lives in cell \(current.cell), but its copy there (\(copied)) differs from the one left in cell \(left.cell) (\(frozen)): the old copy is kept, fenced, for inspection")
        }
        try await left.fence.recordVerifiedCopy(state.id, frozen)
        return frozen
    }

    /// Verifies (if a move stopped before it did) and purges the copy `state`'s last move left
    /// in cell `left`.
    private func verifyAndPurgeLeftCopy(
        of state: TenantState, left: Cell, actor: String, reason: String
    ) async throws -> Result<TenantFence.Receipt, CellMoveError> {
        let located = try await placements.located(state.id)
        guard case .pooled(let currentCell) = located.placement, let location = located.location else {
            throw CellMoveError("tenant \(state.slug) has a database of its own: its copy in cell \(left.name) is not checked against it")
        }
        guard currentCell != left.name else {
            throw CellMoveError("tenant \(state.slug) lives in cell \(left.name): its copy there is the one in use")
        }
        let leftAdministrator = try await router.cells.checkedAdministrator(left.location, identity: left.identity)
        let currentAdministrator = try await router.cells.checkedAdministrator(location, identity: located.identity)
        let fence = TenantFence(administrator: leftAdministrator)
        let leftOperator = PostgresPool(configuration: leftAdministrator.acting(as: DatabaseRoles.operator), maximumConnections: 1)
        let currentOperator = PostgresPool(configuration: currentAdministrator.acting(as: DatabaseRoles.operator), maximumConnections: 1)
        do {
            if try await !fence.hasVerifiedCopy(state.id) {
                _ = try await Self.verifyLeftCopy(of: state, left: (left.name, leftOperator, fence), current: (currentCell, currentOperator))
            }
            // Before the old copy, and what it says was forgotten, is gone.
            try await forgetAgain(
                of: state.id, current: EventLog(pool: currentOperator), administrator: currentAdministrator,
                forgottenIn: EventLog(pool: leftOperator), actor: actor)
            await leftOperator.close()
            await currentOperator.close()
        } catch {
            await leftOperator.close()
            await currentOperator.close()
            throw error
        }
        return await purgeCellCopy(state.id, in: left.name, fence: fence, actor: actor, reason: reason)
    }

    /// Forgets in the tenant's current cell every key live there that the old copy holds as
    /// forgotten: a `tenant forget` that looked at the placement before the switch destroyed it
    /// in the old cell alone. Keys made in the current cell since the switch are not in the old
    /// copy at all, so they stay.
    private func forgetAgain(
        of tenantID: UUID, current: EventLog, administrator: PostgresConfiguration, forgottenIn left: EventLog, actor: String
    ) async throws {
        let live = try await current.livePersonalDataKeys(of: tenantID)
        let forgotten = try await left.forgottenPersonalDataKeys(among: live.map(\.id))
        let subjects = live.filter { forgotten.contains($0.id) }.map(\.subject)
        guard !subjects.isEmpty else { return }
        let erasure = PersonalDataErasure(administrator: administrator)
        // The tenant's own key forgotten means the whole tenant was: every key goes.
        for subject in subjects.contains(nil) ? [nil] : subjects {
            _ = try await erasure.forget(
                tenantID, subject: subject, actor: actor, reason: "forgotten while the tenant moved between cells",
                recordingInControlPlane: false)
        }
        try await erasure.vacuum()
    }
}
