import EmbeddedPostgres
import EventStore
public import Foundation
import PostgresClient
public import Schema
public import Tenancy

/// Migrates every cell's database besides the control plane's (`main`), as `tenantry migrate`
/// does after the control plane: a release's migrations reach every database that holds tenant
/// data. An embedded cell's cluster is started first.
public struct CellMigration: Sendable {
    public let target: DatabaseTarget

    public init(target: DatabaseTarget) {
        self.target = target
    }

    /// The cells other than `main`, as the (migrated) control plane records them.
    public func cells() async throws -> [Cell] {
        let pool = PostgresPool(configuration: target.operatorConfiguration, maximumConnections: 1)
        do {
            let cells = try await CellRegistry(store: EventLog(pool: pool)).list().filter { $0.name != .main }
            await pool.close()
            return cells
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Applies each cell's pending migrations, in name order; stops at the first cell that
    /// fails, naming it.
    public func migrate() async throws -> [(cell: CellName, outcome: DatabaseMigrator.Outcome)] {
        var outcomes: [(cell: CellName, outcome: DatabaseMigrator.Outcome)] = []
        for cell in try await cells() {
            do {
                let administrator = try await prepare(cell)
                outcomes.append((cell.name, try await DatabaseMigrator().migrate(administrator)))
            } catch {
                throw CellError.unusable("cell \(cell.name) (\(cell.location)) could not be migrated: \(error)")
            }
        }
        return outcomes
    }

    /// Each cell's pending migrations.
    public func pending() async throws -> [(cell: CellName, pending: [Migration])] {
        var found: [(cell: CellName, pending: [Migration])] = []
        for cell in try await cells() {
            do {
                found.append((cell.name, try await DatabaseMigrator().pending(try await prepare(cell))))
            } catch {
                throw CellError.unusable("cell \(cell.name) (\(cell.location)) could not be checked: \(error)")
            }
        }
        return found
    }

    private func prepare(_ cell: Cell) async throws -> PostgresConfiguration {
        if case .embedded(let name) = cell.location {
            _ = try await DatabasePreparation(target: .embedded(DatabaseTarget.embeddedCell(name), database: DatabaseTarget.embeddedDatabaseName))
                .startEmbeddedDatabase()
        }
        return try target.cellConnections().administrator(cell.location)
    }
}
