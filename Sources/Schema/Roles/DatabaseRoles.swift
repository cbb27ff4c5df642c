/// The roles Tenantry's schema is built around.
///
/// - `tenantry_owner` owns the schema and every object in it and runs migrations. It cannot
///   log in; an administrator acts as it with `SET ROLE`.
/// - `tenantry_app` is what the server and CLI use for tenant work: it owns nothing, cannot
///   bypass row-level security, and is granted only what the application needs (no UPDATE or
///   DELETE of events); it sees one tenant per transaction.
/// - `tenantry_operator` cannot log in either; operators and control-plane services act as it
///   to read every tenant's events (the all-tenant feed). It writes tenant rows only through
///   `append_events`.
/// - `tenantry_instance` cannot log in; each single-tenant instance logs in as a role of its own,
///   `tenantry_instance_<name>` (created by `tenantry instance deploy`), whose only membership
///   it is. Everything it is granted is pinned to the login's own tenant (migration 0104), so
///   it reaches that tenant's rows, a few control-plane streams and nothing else.
public enum DatabaseRoles {
    public static let owner = "tenantry_owner"
    public static let application = "tenantry_app"
    public static let `operator` = "tenantry_operator"
    /// The group of every single-tenant instance's login.
    public static let instance = "tenantry_instance"
    /// The prefix of an instance's login role: `tenantry_instance_<name>`.
    public static let instanceLoginPrefix = "tenantry_instance_"
    /// The schema every Tenantry object lives in.
    public static let schema = "tenantry"
}
