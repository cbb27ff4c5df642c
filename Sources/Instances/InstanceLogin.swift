public import PostgresClient
import Schema

/// The check that a login is only an instance's: a single-tenant instance must not run with more
/// than its own login (an `instance.env` of an older release held the operator's URL).
public enum InstanceLogin {
    /// Refuses a login that is a superuser, may bypass row-level security, create roles or
    /// databases or replicate, or is a member of any role but `tenantry_instance`.
    public static func require(_ configuration: PostgresConfiguration) async throws {
        try await PostgresConnection.withConnection(configuration.acting(as: nil)) { connection in
            let row = try await connection.query("""
                SELECT session_user::text, r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication,
                       coalesce((SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_roles g
                                 WHERE g.rolname <> \(DatabaseRoles.instance) AND g.rolname <> session_user::text
                                   AND pg_has_role(session_user, g.oid, 'MEMBER')), '')
                FROM pg_roles r WHERE r.rolname = session_user
                """).rows.first
            guard let row else { throw InstanceError.notInstanceLogin("the login is not a role") }
            let (login, isPrivileged, memberships) = try row.decode((String, Bool, String).self)
            guard !isPrivileged else {
                throw InstanceError.notInstanceLogin("\(login) is a superuser, or may bypass row-level security, create roles or databases")
            }
            guard memberships.isEmpty else {
                throw InstanceError.notInstanceLogin("\(login) is a member of \(memberships), not only of \(DatabaseRoles.instance)")
            }
        }
    }
}
