public import EmbeddedPostgres
import Foundation
import PostgresClient
public import Schema

/// Gets a database target ready for use.
///
/// For the embedded cluster that means zero set-up: start it (initdb on first use), create the
/// application database, create the roles and apply pending migrations. An external database
/// is left as the operator keeps it: only checked to be migrated.
public struct DatabasePreparation: Sendable {
    public let target: DatabaseTarget

    public init(target: DatabaseTarget) {
        self.target = target
    }

    /// What `prepare()` found or did.
    public struct Report: Sendable {
        public var cluster: EmbeddedCluster.Status?
        public var createdDatabase: Bool
        public var appliedMigrations: [Migration]
        public var pendingMigrations: [Migration]
    }

    @discardableResult
    public func prepare() async throws -> Report {
        switch target {
        case .external:
            let pending = try await DatabaseMigrator().pending(target.administratorConfiguration)
            guard pending.isEmpty else {
                throw DatabaseSetupError.schemaNotMigrated(pendingCount: pending.count)
            }
            return Report(cluster: nil, createdDatabase: false, appliedMigrations: [], pendingMigrations: [])
        case .embedded:
            let started = try await startEmbeddedDatabase()
            let migrator = DatabaseMigrator()
            let pending = try await migrator.pending(target.administratorConfiguration)
            var applied: [Migration] = []
            if !pending.isEmpty {
                applied = try await migrator.migrate(target.administratorConfiguration).applied
            }
            return Report(
                cluster: started?.cluster, createdDatabase: started?.createdDatabase ?? false,
                appliedMigrations: applied, pendingMigrations: [])
        }
    }

    /// The embedded cluster's part alone: start it (initdb on first use) and create the
    /// application database if it is missing; no roles, no migrations (`tenantry migrate` leaves
    /// those to the migrator). Returns the cluster's status and whether the database was
    /// created; nil for an external database, which is left alone.
    @discardableResult
    public func startEmbeddedDatabase() async throws -> (cluster: EmbeddedCluster.Status, createdDatabase: Bool)? {
        guard case let .embedded(cluster, database) = target else { return nil }
        let status = try await cluster.start()
        let maintenance = PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres"))
        let created = try await PostgresConnection.withConnection(maintenance) { connection in
            try await connection.createDatabaseIfMissing(database)
        }
        return (status, created)
    }
}
