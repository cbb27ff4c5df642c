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
public enum DatabaseRoles {
    public static let owner = "tenantry_owner"
    public static let application = "tenantry_app"
    public static let `operator` = "tenantry_operator"
    /// The schema every Tenantry object lives in.
    public static let schema = "tenantry"
}
