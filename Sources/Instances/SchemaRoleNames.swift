/// The schema's roles that instance operations act as or grant to. The migrator that creates
/// them (`DatabaseRoles` beside it) lives above this module for now; these names are the
/// schema's contract (migration 0104 grants to them) and change only with a migration.
enum SchemaRoleNames {
    static let application = "tenantry_app"
    static let `operator` = "tenantry_operator"
    /// The group of every single-tenant instance's login.
    static let instance = "tenantry_instance"
    /// The prefix of an instance's login role: `tenantry_instance_<name>`.
    static let instanceLoginPrefix = "tenantry_instance_"
}
