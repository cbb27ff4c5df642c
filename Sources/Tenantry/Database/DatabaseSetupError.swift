/// The database is reachable but not set up for Tenantry; each case says how to fix it.
public enum DatabaseSetupError: Error, Sendable, CustomStringConvertible {
    /// Migrations are pending on a database the operator manages.
    case schemaNotMigrated(pendingCount: Int)
    /// The roles `tenantry_owner` and `tenantry_app` do not exist and cannot be created.
    case rolesMissing
    /// `tenantry_app` is a superuser or may bypass row-level security.
    case applicationRoleTooPowerful

    public var description: String {
        switch self {
        case .schemaNotMigrated(let pendingCount):
            "the database schema is not current (\(pendingCount) migration(s) pending): run `tenantry migrate` with an owner or superuser URL"
        case .rolesMissing:
            "roles \(DatabaseRoles.owner), \(DatabaseRoles.application) and \(DatabaseRoles.operator) do not all exist: run `tenantry migrate` once with a superuser URL, or create them (see Deploy/README.md)"
        case .applicationRoleTooPowerful:
            "role \(DatabaseRoles.application) is a superuser or has BYPASSRLS; tenant isolation needs it without: ALTER ROLE \(DatabaseRoles.application) NOSUPERUSER NOBYPASSRLS"
        }
    }
}
