public import PostgresClient
import Schema

/// Creates, migrates and drops dedicated tenant databases.
///
/// Every step is idempotent: creating a database that exists, or migrating a current one,
/// does nothing, so a provisioning that crashed half-way is simply run again.
public struct DedicatedDatabaseProvisioner: Sendable {
    /// A provisioner; the schema it migrates to is the release's (`TenantryMigrations`).
    public init() {}

    /// Creates `database` on the cluster `administrator` reaches (a superuser or a role with
    /// CREATEDB, connected to any database there) unless it exists, then brings it to the
    /// current schema (roles, migrations).
    public func provision(database: String, administrator: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.createDatabaseIfMissing(database)
        }
        try await DatabaseMigrator().migrate(administrator.with(database: database))
    }

    /// Drops `database` (ending its sessions); nothing when it does not exist.
    public func drop(database: String, administrator: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: database) WITH (FORCE)")
        }
    }
}
