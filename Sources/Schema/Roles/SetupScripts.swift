/// The SQL a superuser runs before the migrations, read from `Roles/`: the cluster's roles, then
/// what one database needs (the application's CONNECT, the `tenantry` schema). Both are
/// idempotent; `DatabaseMigrator` runs them, and an operator without Tenantry's binary may run
/// them with psql.
public enum SetupScripts {
    /// Creates the four roles unless they exist; tolerant of a concurrent creator in another
    /// database of the cluster.
    public static let roles = String(decoding: PackageResources.roles_sql, as: UTF8.self)

    /// Lets `tenantry_app` connect to the current database and creates the schema, owned by
    /// `tenantry_owner`.
    public static let database = String(decoding: PackageResources.database_sql, as: UTF8.self)
}
