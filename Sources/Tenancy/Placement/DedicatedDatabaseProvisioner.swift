public import PostgresClient
import Schema

/// Creates, migrates and drops dedicated tenant databases.
///
/// A database is a copy of the migrated template (`TenantDatabaseTemplate`, built on first
/// need and rebuilt when the release's migrations change), then migrated: a no-op check on a
/// fresh copy, which also applies anything the template lacked.
///
/// Every step is idempotent: creating a database that exists, or migrating a current one,
/// does nothing, so a provisioning that crashed half-way is simply run again.
public struct DedicatedDatabaseProvisioner: Sendable {
    /// The template databases are copied from.
    public let template: TenantDatabaseTemplate

    /// A provisioner; the schema it migrates to is the release's (`TenantryMigrations`).
    public init(template: TenantDatabaseTemplate = .standard) {
        self.template = template
    }

    /// Creates `database` on the cluster `administrator` reaches (a superuser or a role with
    /// CREATEDB, connected to any database there) unless it exists, as a copy of the template,
    /// then brings it to the current schema (roles, migrations). Returns how it was made.
    @discardableResult
    public func provision(database: String, administrator: PostgresConfiguration) async throws -> TenantDatabaseTemplate.Creation {
        let creation = try await PostgresConnection.withConnection(administrator) { connection in
            try await template.createDatabase(database, on: connection, administrator: administrator)
        }
        try await DatabaseMigrator().migrate(administrator.with(database: database))
        return creation
    }

    /// Drops `database` (ending its sessions); nothing when it does not exist.
    public func drop(database: String, administrator: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: database) WITH (FORCE)")
        }
    }
}
