import EmbeddedPostgres
import EventStore
public import Foundation
import PostgresClient
import Schema
public import Tenancy

/// The cell operations the CLI and the admin API share: adding a cell (its database created
/// where the location allows, migrated, identified), listing, opening, draining, closing,
/// capacity and removal, each recorded as an event by `CellRegistry`.
public struct CellAdministration: Sendable {
    public let registry: CellRegistry
    public let connections: CellConnections
    let target: DatabaseTarget

    init(target: DatabaseTarget, operatorStore: EventLog, connections: CellConnections) {
        self.target = target
        self.registry = CellRegistry(store: operatorStore)
        self.connections = connections
    }

    /// Adds a cell at `location`. With `migrating`, its database is made ready first: an
    /// `embedded:` cluster is started (initdb on first use), a `database:` on the control
    /// plane's cluster is created if missing, and the schema is migrated; without it (the admin
    /// API, whose login should not migrate), the database must be migrated already.
    public func add(
        _ name: CellName, location: CellLocation, capacity: Int?, state: CellState, migrating: Bool, actor: String, reason: String?
    ) async throws -> Cell {
        if let problem = Self.problem(with: location) { throw CellError.invalidInput(problem) }
        let administrator = try connections.administrator(location)
        if case .database(let name) = location, migrating {
            try await PostgresConnection.withConnection(target.administratorConfiguration.with(database: "postgres")) { connection in
                _ = try await connection.createDatabaseIfMissing(name)
            }
        }
        if case .embedded(let cellName) = location, migrating {
            _ = try await DatabasePreparation(target: .embedded(DatabaseTarget.embeddedCell(cellName), database: DatabaseTarget.embeddedDatabaseName))
                .startEmbeddedDatabase()
        }
        // A new cell starts empty: a database holding events is another installation's, a
        // dedicated tenant's, or a cell's still in use elsewhere. Checked before anything is
        // migrated there.
        if try await Self.isMigrated(administrator) {
            guard try await Self.identity(administrator) != Self.identity(target.administratorConfiguration) else {
                throw CellError.conflict("\(location) is the control plane's own database, which is cell main")
            }
            guard try await !Self.holdsEvents(administrator) else {
                throw CellError.conflict("\(location) holds events already: a cell starts as an empty, migrated database")
            }
        }
        if migrating {
            _ = try await DatabaseMigrator().migrate(administrator)
        } else {
            let pending = try await DatabaseMigrator().pending(administrator)
            guard pending.isEmpty else {
                throw CellError.unusable(
                    "cell \(name)'s database has \(pending.count) migration\(pending.count == 1 ? "" : "s") to apply: add it with tenantry cell add, which migrates it")
            }
        }
        let identity = try await Self.identity(administrator)
        return try await registry.add(name, location: location, identity: identity, capacity: capacity, state: state, actor: actor, reason: reason)
    }

    /// Databases of the control plane's cluster a `database:` cell may not be.
    static let reservedDatabases: Set<String> = [TenantDatabaseTemplate.standard.name, "postgres", "template0", "template1"]

    /// Why `location` can never be a cell, or nil: a dedicated tenant's database, the template
    /// their copies are made from, or the cluster's own (a cell placed there would mix pooled
    /// tenants into them).
    public static func problem(with location: CellLocation) -> String? {
        guard case .database(let name) = location, reservedDatabases.contains(name) || name.hasPrefix("tenantry_t_") else { return nil }
        return "database \(name) is the platform's or a dedicated tenant's, never a cell"
    }

    /// Every cell with its tenant count.
    public func list() async throws -> [Cell] {
        try await registry.list()
    }

    /// Whether the cell's database answers now, as the application, within `timeoutSeconds`
    /// (the connect timeout every connection has, `PGCONNECT_TIMEOUT`: a busy database is not a
    /// missing one), and is the one it was added with: nil when it does, else why not.
    public func health(of cell: Cell, timeoutSeconds: Int? = nil) async -> String? {
        guard cell.location != .controlPlane else { return nil }
        do {
            var configuration = try connections.application(cell.location)
            let timeoutSeconds = timeoutSeconds ?? configuration.connectTimeoutSeconds
            configuration.connectTimeoutSeconds = timeoutSeconds
            configuration.queryTimeout = .seconds(timeoutSeconds)
            let found = try await PostgresConnection.withConnection(configuration) { connection in
                try await connection.query("SELECT tenantry.database_identity()").rows.first?.decode(UUID.self)
            }
            return found == cell.identity ? nil : "its database is not the one it was added with"
        } catch let error as PostgresError where error.isDatabaseUnavailable || error.kind == .timedOut {
            return "not reachable: \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    /// Whether the database has Tenantry's schema (a fresh one has not).
    private static func isMigrated(_ administrator: PostgresConfiguration) async throws -> Bool {
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("SELECT to_regclass('tenantry.events') IS NOT NULL").rows.first?.decode(Bool.self) ?? false
        }
    }

    private static func holdsEvents(_ administrator: PostgresConfiguration) async throws -> Bool {
        // The operator reads every tenant's rows and the control plane's.
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            try await connection.query("SELECT EXISTS (SELECT FROM tenantry.events)").rows.first?.decode(Bool.self) ?? false
        }
    }

    private static func identity(_ administrator: PostgresConfiguration) async throws -> UUID {
        try await PostgresConnection.withConnection(administrator.acting(as: DatabaseRoles.operator)) { connection in
            guard let identity = try await connection.query("SELECT tenantry.database_identity()").rows.first?.decode(UUID.self) else {
                throw PostgresError.misuse("database_identity() returned no row")
            }
            return identity
        }
    }
}
