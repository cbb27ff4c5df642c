/// The roles Tenantry's schema is built around.
///
/// - `tenantry_owner` owns the schema and every object in it and runs migrations. It cannot
///   log in; an administrator acts as it with `SET ROLE`.
/// - `tenantry_app` is what the server and CLI use: it owns nothing, cannot bypass row-level
///   security, and is granted only what the application needs (no UPDATE or DELETE of events).
public enum DatabaseRoles {
    public static let owner = "tenantry_owner"
    public static let application = "tenantry_app"
    /// The schema every Tenantry object lives in.
    public static let schema = "tenantry"
}
