public import PostgresClient

/// Creates, migrates and drops dedicated tenant databases.
///
/// Every step is idempotent: creating a database that exists, or migrating a current one,
/// does nothing, so a provisioning that crashed half-way is simply run again.
public struct DedicatedDatabaseProvisioner: Sendable {
    /// Brings a database to the current schema (roles, migrations); the composition root
    /// passes its migrator, which this layer cannot see.
    public typealias Migrate = @Sendable (PostgresConfiguration) async throws -> Void

    private let migrate: Migrate

    public init(migrate: @escaping Migrate) {
        self.migrate = migrate
    }

    /// Creates `database` on the cluster `administrator` reaches (a superuser or a role with
    /// CREATEDB, connected to any database there) unless it exists, then migrates it.
    public func provision(database: String, administrator: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(administrator) { connection in
            let exists = try await connection.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(database))")
                .rows.first?.decode(Bool.self) ?? false
            if !exists {
                do {
                    try await connection.query("CREATE DATABASE \(identifier: database)")
                } catch let error as PostgresError where error.sqlState == .duplicateDatabase || error.sqlState == .uniqueViolation {
                    // Created meanwhile by a concurrent run of the same step.
                }
            }
        }
        try await migrate(administrator.with(database: database))
    }

    /// Drops `database` (ending its sessions); nothing when it does not exist.
    public func drop(database: String, administrator: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: database) WITH (FORCE)")
        }
    }
}
