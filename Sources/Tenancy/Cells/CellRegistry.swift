public import EventStore
public import Foundation
public import PostgresClient

/// The control plane's record of cells: every change is an event on `cell-<name>` under the
/// control-plane tenant, with its actor and reason, and `tenantry.cells` (their projection) is
/// written in the same transaction, so a placement never sees a cell its events do not have.
public struct CellRegistry: Sendable {
    /// An event store on the control plane acting as `tenantry_operator`.
    public let store: EventLog

    public init(store: EventLog) {
        self.store = store
    }

    /// Every cell, `main` included, by name, with how many pooled tenants each holds.
    public func list() async throws -> [Cell] {
        try await store.pool.withConnection { connection in try Self.cells(on: connection) }
    }

    /// The cell named `name`.
    public func cell(_ name: CellName) async throws -> Cell {
        guard let cell = try await list().first(where: { $0.name == name }) else { throw CellError.notFound(name.rawValue) }
        return cell
    }

    /// Records a cell whose database (at `location`, of identity `identity`) was migrated.
    public func add(
        _ name: CellName, location: CellLocation, identity: UUID, capacity: Int?, state: CellState = .open,
        actor: String, reason: String?
    ) async throws -> Cell {
        try Self.check(capacity: capacity, reason: reason)
        guard location != .controlPlane else {
            throw CellError.invalidInput("the control plane's own database is cell main, which every deployment has")
        }
        let existing = try await list()
        if let taken = existing.first(where: { $0.name == name }) {
            throw CellError.conflict("cell \(name) exists already (at \(taken.location))")
        }
        if let taken = existing.first(where: { $0.location == location }) {
            throw CellError.conflict("\(location) is cell \(taken.name) already")
        }
        if let taken = existing.first(where: { $0.identity == identity }) {
            throw CellError.conflict("that database is cell \(taken.name) already (the same identity, \(identity.uuidString.lowercased()))")
        }
        let event = CellEvent.added(.init(cell: name, location: location.description, state: state, capacity: capacity, identity: identity))
        try await record(event, for: name, actor: actor, reason: reason) { connection in
            let inserted = try connection.query("""
                INSERT INTO tenantry.cells (name, location, state, capacity, identity)
                VALUES (\(name.rawValue), \(location.description), \(state.rawValue), \(capacity), \(identity))
                ON CONFLICT DO NOTHING
                """).affectedRows
            guard inserted == 1 else { throw CellError.conflict("cell \(name), its location or its database was added meanwhile") }
        }
        return try await cell(name)
    }

    /// Opens, drains or closes a cell; the cell as it is when it already has that state.
    public func changeState(_ name: CellName, to state: CellState, actor: String, reason: String?) async throws -> Cell {
        try Self.check(capacity: nil, reason: reason)
        let current = try await cell(name)
        guard current.state != state else { return current }
        let event = CellEvent.stateChanged(.init(cell: name, from: current.state, to: state))
        try await record(event, for: name, actor: actor, reason: reason) { connection in
            // Placements read the cell's row FOR SHARE: this waits for those in flight.
            _ = try connection.query("UPDATE tenantry.cells SET state = \(state.rawValue) WHERE name = \(name.rawValue)")
        }
        return try await cell(name)
    }

    /// Sets the most tenants a cell takes (nil: no limit). Tenants already there stay.
    public func changeCapacity(_ name: CellName, to capacity: Int?, actor: String, reason: String?) async throws -> Cell {
        try Self.check(capacity: capacity, reason: reason)
        let current = try await cell(name)
        guard current.capacity != capacity else { return current }
        try await record(.capacityChanged(.init(cell: name, capacity: capacity)), for: name, actor: actor, reason: reason) { connection in
            _ = try connection.query("UPDATE tenantry.cells SET capacity = \(capacity) WHERE name = \(name.rawValue)")
        }
        return try await cell(name)
    }

    /// Removes a cell that holds no tenant; `main` stays.
    public func remove(_ name: CellName, actor: String, reason: String?) async throws {
        try Self.check(capacity: nil, reason: reason)
        guard name != .main else { throw CellError.conflict("cell main is the control plane's own database and cannot be removed") }
        _ = try await cell(name)
        try await record(.removed(.init(cell: name)), for: name, actor: actor, reason: reason) { connection in
            // The row lock keeps a placement from landing between the count and the delete.
            _ = try connection.query("SELECT 1 FROM tenantry.cells WHERE name = \(name.rawValue) FOR UPDATE")
            let tenants = try connection.query("SELECT count(*) FROM tenantry.tenant_placements WHERE cell = \(name.rawValue)")
                .rows.first?.decode(Int.self) ?? 0
            guard tenants == 0 else {
                throw CellError.conflict("cell \(name) holds \(tenants) tenant\(tenants == 1 ? "" : "s"): move them out first (tenant move --to-cell)")
            }
            _ = try connection.query("DELETE FROM tenantry.cells WHERE name = \(name.rawValue)")
        }
    }

    /// The cell for a new pooled tenant, inside the caller's control-plane transaction: the one
    /// named (if it takes tenants) or the policy's choice among the cells not `unavailable`
    /// (all of them, when every open cell is). The cell's row is held FOR SHARE until the
    /// caller commits, so a state change or a removal waits for the placement.
    public static func place(
        requested: CellName?, avoiding unavailable: Set<CellName> = [], on connection: isolated PostgresConnection
    ) throws -> Cell {
        let all = try Self.cells(on: connection)
        let available = all.filter { !unavailable.contains($0.name) }
        let cells = requested == nil && CellPlacementPolicy.choose(among: available) != nil ? available : all
        let chosen: Cell
        if let requested {
            guard let cell = cells.first(where: { $0.name == requested }) else { throw CellError.notFound(requested.rawValue) }
            if let refusal = CellPlacementPolicy.refusal(toPlaceIn: cell) { throw CellError.conflict(refusal) }
            chosen = cell
        } else {
            guard let cell = CellPlacementPolicy.choose(among: cells) else {
                throw CellError.conflict("no open cell takes new tenants (every cell is draining, closed or full)")
            }
            chosen = cell
        }
        let state = try connection.query("SELECT state FROM tenantry.cells WHERE name = \(chosen.name.rawValue) FOR SHARE")
            .rows.first?.decode(String.self)
        guard let state, CellState(rawValue: state)?.takesNamedTenants == true, requested != nil || state == CellState.open.rawValue else {
            throw CellError.conflict("cell \(chosen.name) stopped taking tenants meanwhile")
        }
        return chosen
    }

    static func cells(on connection: isolated PostgresConnection) throws -> [Cell] {
        try connection.query("""
            SELECT c.name, c.location, c.state, c.capacity, c.identity, c.added_at,
                   (SELECT coalesce(sum(k.tenants), 0)::bigint FROM tenantry.cell_tenant_counts k WHERE k.cell = c.name)
            FROM tenantry.cells c ORDER BY c.name
            """).rows.map { row in
            let (name, location, state, capacity, identity, addedAt, tenants) = try row.decode((String, String, String, Int?, UUID?, Date, Int).self)
            guard let cellName = try? CellName(name), let cellLocation = try? CellLocation(location), let cellState = CellState(rawValue: state) else {
                throw PostgresError.misuse("cell \(name) is recorded with a location or state this version cannot read")
            }
            return Cell(name: cellName, location: cellLocation, state: cellState, capacity: capacity, identity: identity, tenants: tenants, addedAt: addedAt)
        }
    }

    /// Appends `event` to the cell's stream and runs `project` in the same control-plane
    /// transaction.
    private func record(
        _ event: CellEvent, for name: CellName, actor: String, reason: String?,
        project: @Sendable (isolated PostgresConnection) throws -> Void
    ) async throws {
        let metadata = EventMetadata(correlationID: UUID(), actor: actor, reason: reason)
        let newEvent = try event.newEvent(metadata: metadata)
        try await store.inTenant(EventLog.controlPlaneTenantID) { connection in
            try project(connection)
            try store.append([newEvent], to: CellEvent.stream(name), tenant: EventLog.controlPlaneTenantID, on: connection)
        }
    }

    private static func check(capacity: Int?, reason: String?) throws(CellError) {
        if let capacity, capacity < 1 { throw .invalidInput("invalid capacity \(capacity): give at least 1 tenant, or none for no limit") }
        if let reason, let problem = ChangeReason.problem(reason) { throw .invalidInput(problem) }
    }
}
