public import PostgresClient

/// This release's schema, as instance operations need it: a tenant's dedicated database is
/// migrated before its instance's login is granted anything there, and before an upgrade stops
/// the old release.
///
/// The composition root passes its migrator: the migrator lives above this module until the
/// schema has a module of its own below it, when this protocol can go.
public protocol InstanceSchema: Sendable {
    /// Applies this release's pending migrations to the database `configuration` reaches (as an
    /// administrator).
    func migrateSchema(of configuration: PostgresConfiguration) async throws

    /// How many of this release's migrations the database has still to apply.
    func pendingMigrationCount(of configuration: PostgresConfiguration) async throws -> Int
}
