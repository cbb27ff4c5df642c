/// The database is reachable but not set up for Tenantry; each case says how to fix it.
public enum DatabaseSetupError: Error, Sendable, CustomStringConvertible {
    /// Migrations are pending on a database the operator manages.
    case schemaNotMigrated(pendingCount: Int)
    /// The roles `tenantry_owner`, `tenantry_app`, `tenantry_operator` and `tenantry_instance` do
    /// not all exist and cannot be created.
    case rolesMissing
    /// `tenantry_app` is a superuser or may bypass row-level security.
    case applicationRoleTooPowerful
    /// An applied migration's script differs from this release's (its checksum changed).
    case migrationChanged(version: Int, name: String)

    public var description: String {
        switch self {
        case .schemaNotMigrated(let pendingCount):
            "the database schema is not current (\(pendingCount) migration(s) pending): run `tenantry migrate` with an owner or superuser URL"
        case .rolesMissing:
            "roles \(DatabaseRoles.owner), \(DatabaseRoles.application), \(DatabaseRoles.operator) and \(DatabaseRoles.instance) do not all exist (or \(DatabaseRoles.instance) is a superuser or may bypass row-level security): run `tenantry migrate` once with a superuser URL, or create them (see Deploy/README.md)"
        case .applicationRoleTooPowerful:
            "role \(DatabaseRoles.application) is a superuser or has BYPASSRLS; tenant isolation needs it without: ALTER ROLE \(DatabaseRoles.application) NOSUPERUSER NOBYPASSRLS"
        case let .migrationChanged(version, name):
            "migration \(version) (\(name)) changed after it was applied; add a new migration instead"
        }
    }
}
