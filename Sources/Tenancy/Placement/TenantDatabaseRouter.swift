public import EventStore
public import Foundation
public import PostgresClient

/// Gives the event store that holds a tenant's data, whatever its isolation mode and cell, so
/// the rest of the code never asks where a tenant lives.
///
/// The placement is read from the control plane on every call (one indexed read), so a tenant
/// moved to another cell is found there from the move's commit on. Each cell other than `main`
/// and each dedicated database gets a pool of its own, opened on first use and kept; a cell's
/// pool is kept only once its database proved to be the one the cell was added with.
public actor TenantDatabaseRouter {
    /// How to reach a dedicated database as the application role.
    public typealias DedicatedConfiguration = @Sendable (_ database: String, _ clusterURL: String?) -> PostgresConfiguration

    /// The `main` cell's store: the control plane's own database.
    public nonisolated let pooled: EventLog
    public nonisolated let cells: CellConnections
    private let placements: TenantPlacementStore
    private let dedicatedConfiguration: DedicatedConfiguration
    private let connectionsPerDedicatedDatabase: Int
    private let connectionsPerCell: Int
    private var dedicated: [TenantPlacement: EventLog] = [:]
    private var cellStores: [CellLocation: EventLog] = [:]

    public init(
        pooled: EventLog,
        placements: TenantPlacementStore,
        cells: CellConnections,
        connectionsPerCell: Int = 8,
        connectionsPerDedicatedDatabase: Int = 4,
        dedicatedConfiguration: @escaping DedicatedConfiguration
    ) {
        self.pooled = pooled
        self.placements = placements
        self.cells = cells
        self.connectionsPerCell = connectionsPerCell
        self.connectionsPerDedicatedDatabase = connectionsPerDedicatedDatabase
        self.dedicatedConfiguration = dedicatedConfiguration
    }

    /// The store holding `tenant`'s events.
    public func eventStore(for tenant: UUID) async throws -> EventLog {
        let located = try await placements.located(tenant)
        switch located.placement {
        case .pooled(let cell):
            guard let location = located.location else { return pooled }
            return try await store(ofCell: cell, at: location, identity: located.identity)
        case .dedicated(let database, let clusterURL):
            if let store = dedicated[located.placement] { return store }
            let pool = PostgresPool(
                configuration: dedicatedConfiguration(database, clusterURL),
                maximumConnections: connectionsPerDedicatedDatabase
            )
            let store = EventLog(pool: pool)
            dedicated[located.placement] = store
            return store
        }
    }

    /// Runs `body` with the store holding `tenant`'s events, and again with the store the
    /// placement names then, while the tenant is moving between cells (its old cell refuses its
    /// appends with `EventStoreError.tenantMoving` from the fence until the placement switches),
    /// for at most `patience`; then the refusal is thrown. `body` must be safe to run again (an
    /// append with the same event ids is).
    public nonisolated func withEventStore<Value: Sendable>(
        for tenant: UUID, patience: Duration = .seconds(30), _ body: @Sendable (EventLog) async throws -> Value
    ) async throws -> Value {
        let deadline = ContinuousClock.now + patience
        var pause: Duration = .milliseconds(2)
        while true {
            do {
                return try await body(try await eventStore(for: tenant))
            } catch EventStoreError.tenantMoving where ContinuousClock.now < deadline {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    /// The store of a cell (acting as the application), checked to be the database the cell was
    /// added with the first time it is opened.
    public func store(of cell: Cell) async throws -> EventLog {
        try await store(ofCell: cell.name, at: cell.location, identity: cell.identity)
    }

    private func store(ofCell cell: CellName, at location: CellLocation, identity: UUID?) async throws -> EventLog {
        if location == .controlPlane { return pooled }
        if let store = cellStores[location] { return store }
        let pool = PostgresPool(configuration: try cells.application(location), maximumConnections: connectionsPerCell)
        do {
            let found = try await CellConnections.identity(on: pool)
            guard found == identity else {
                throw CellError.unusable(
                    "cell \(cell)'s database (\(location)) is not the one it was added with: identity \(found.uuidString.lowercased()), "
                        + "recorded \(identity?.uuidString.lowercased() ?? "none")")
            }
        } catch {
            await pool.close()
            throw error
        }
        // Another caller may have opened the same cell while this one waited: keep the first.
        if let store = cellStores[location] {
            await pool.close()
            return store
        }
        let store = EventLog(pool: pool)
        cellStores[location] = store
        return store
    }

    /// Closes the pools of dedicated databases (one about to be dropped), leaving the cells'.
    public func closeDedicated() async {
        for store in dedicated.values { await store.pool.close() }
        dedicated.removeAll()
    }

    /// Closes the pools of cells and dedicated databases (not `main`'s, which the caller owns).
    public func shutdown() async {
        for store in dedicated.values { await store.pool.close() }
        for store in cellStores.values { await store.pool.close() }
        dedicated.removeAll()
        cellStores.removeAll()
    }
}
