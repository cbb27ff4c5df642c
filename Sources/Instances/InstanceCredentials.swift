import Crypto
public import Foundation
public import PostgresClient
import Schema

/// The database login of one single-tenant instance: a role of its own,
/// `tenantry_instance_<name>` (the dedicated database's name after `tenantry_t_`), with a
/// generated password, whose only membership is `tenantry_instance`. Migration 0104 pins every
/// right of that group to the login's own tenant (by `session_user`, through
/// `tenantry.instance_logins`); in the tenant's dedicated database the login itself is granted
/// what tenant work needs, and that database is closed to everyone else's logins
/// (`REVOKE CONNECT … FROM PUBLIC`). It is never a superuser, an owner, `tenantry_operator` or
/// `tenantry_app`, so `SET ROLE` reaches nothing wider (see `Docs/decisions.md`, decision 11).
///
/// Created (or its password rotated) by `tenantry instance deploy`, dropped by `instance
/// destroy`; both run with the operator's administrator URL (a superuser, or a role with
/// CREATEROLE that owns the schema).
public struct InstanceCredentials: Sendable {
    /// The login role.
    public let role: String
    /// Its new password: shown to nothing but the instance's environment files.
    public let password: String

    /// The login role of the instance whose tenant lives in `database` (`tenantry_t_<name>`).
    public static func role(forDatabase database: String) -> String? {
        guard database.hasPrefix("tenantry_t_") else { return nil }
        let name = database.dropFirst("tenantry_t_".count)
        guard !name.isEmpty, name.count <= 40, name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }) else { return nil }
        return DatabaseRoles.instanceLoginPrefix + name
    }

    /// Creates the instance's login (or gives the existing one a new password and takes away
    /// anything it was given besides), grants it its tenant's rights in the control plane
    /// (`controlPlane`: the administrator's connection to the platform's database) and in the
    /// dedicated `database` on the same cluster, and records it in both databases'
    /// `tenantry.instance_logins`.
    public static func provision(
        tenantID: UUID, database: String, controlPlane: PostgresConfiguration
    ) async throws -> InstanceCredentials {
        guard let role = role(forDatabase: database) else {
            throw InstanceError.noLogin(database: database)
        }
        let password = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.hexadecimal
        let tenant = tenantID.uuidString.lowercased()
        try await PostgresConnection.withConnection(controlPlane.acting(as: nil)) { connection in
            try await createOrAlterLogin(role, verifier: ScramVerifier.make(password: password), on: connection)
            // Whatever else it was made a member of is taken back: its only membership is the group.
            let memberships = try await connection.query("""
                SELECT r.rolname FROM pg_auth_members m
                JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                WHERE u.rolname = \(role) AND r.rolname <> \(DatabaseRoles.instance)
                """).rows.map { try $0.decode(String.self) }
            for membership in memberships {
                try await connection.query("REVOKE \(identifier: membership) FROM \(identifier: role)")
            }
            try await connection.query("GRANT \(identifier: DatabaseRoles.instance) TO \(identifier: role)")
            let controlPlaneDatabase = try await currentDatabase(connection)
            try await connection.query("GRANT CONNECT ON DATABASE \(identifier: controlPlaneDatabase) TO \(identifier: role)")
            try await record(role: role, tenant: tenant, database: database, on: connection)
        }
        try await PostgresConnection.withConnection(controlPlane.acting(as: nil).with(database: database)) { connection in
            try await connection.query("REVOKE CONNECT, TEMPORARY ON DATABASE \(identifier: database) FROM PUBLIC")
            try await connection.query("""
                GRANT CONNECT ON DATABASE \(identifier: database)
                TO \(identifier: role), \(identifier: DatabaseRoles.application), \(identifier: DatabaseRoles.operator), \(identifier: DatabaseRoles.owner)
                """)
            try await connection.query("GRANT SELECT ON tenantry.streams TO \(identifier: role)")
            try await connection.query("GRANT SELECT, INSERT, UPDATE, DELETE ON tenantry.snapshots, tenantry.checkpoints TO \(identifier: role)")
            try await connection.query("GRANT EXECUTE ON FUNCTION tenantry.append_events(uuid, text, bigint, jsonb) TO \(identifier: role)")
            try await record(role: role, tenant: tenant, database: database, on: connection)
        }
        return InstanceCredentials(role: role, password: password)
    }

    /// Drops the instance's login: ends its sessions, takes back what it was granted in the
    /// control plane (and in its dedicated database, while that exists) and drops the role.
    /// Nothing when there is none.
    public static func revoke(database: String, controlPlane: PostgresConfiguration) async throws {
        guard let role = role(forDatabase: database) else { return }
        let administrator = controlPlane.acting(as: nil)
        let exists = try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(database))").rows.first?.decode(Bool.self) ?? false
        }
        if exists {
            try await PostgresConnection.withConnection(administrator.with(database: database)) { connection in
                try await connection.query("DELETE FROM tenantry.instance_logins WHERE role_name = \(role)")
                try await dropOwned(by: role, on: connection)
            }
        }
        try await PostgresConnection.withConnection(administrator) { connection in
            try await connection.query("DELETE FROM tenantry.instance_logins WHERE role_name = \(role)")
            try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)")
            try await dropOwned(by: role, on: connection)
            try await connection.query("DROP ROLE IF EXISTS \(identifier: role)")
        }
    }

    /// `connectionString` (the operator's) with the instance's login and password in place of
    /// the operator's, and no client certificate or password file of the operator's.
    public func connectionString(replacingLoginOf connectionString: String) throws -> String {
        try PostgresConfiguration.connectionString(connectionString, replacing: [
            "user": role, "password": password, "passfile": nil, "sslcert": nil, "sslkey": nil, "sslpassword": nil,
        ])
    }

    /// Creates `role` as a login (tolerating a concurrent creator, and one left by an earlier
    /// deploy: roles are cluster-wide) and gives it `verifier` as its password and no privilege.
    /// The role name and verifier are bound as values and quoted by the server (`format`'s `%I`
    /// and `%L`); the session settings carrying them are cleared before returning.
    private static func createOrAlterLogin(_ role: String, verifier: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT set_config('tenantry.instance_login', \(role), false), set_config('tenantry.instance_verifier', \(verifier), false)")
        do {
            try await connection.runScript("""
                DO $$
                BEGIN
                    EXECUTE format('CREATE ROLE %I LOGIN', current_setting('tenantry.instance_login'));
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END
                $$;
                DO $$
                BEGIN
                    EXECUTE format(
                        'ALTER ROLE %I LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
                        current_setting('tenantry.instance_login'), current_setting('tenantry.instance_verifier'));
                END
                $$;
                """)
        } catch {
            try await clearLoginSettings(on: connection)
            throw error
        }
        try await clearLoginSettings(on: connection)
    }

    private static func clearLoginSettings(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT set_config('tenantry.instance_login', '', false), set_config('tenantry.instance_verifier', '', false)")
    }

    private static func currentDatabase(_ connection: PostgresConnection) async throws -> String {
        try await connection.query("SELECT current_database()").rows.first?.decode(String.self) ?? ""
    }

    private static func record(role: String, tenant: String, database: String, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO tenantry.instance_logins (role_name, tenant_id, database_name) VALUES (\(role), \(tenant)::uuid, \(database))
            ON CONFLICT (role_name) DO UPDATE SET tenant_id = excluded.tenant_id, database_name = excluded.database_name
            """)
    }

    private static func dropOwned(by role: String, on connection: PostgresConnection) async throws {
        let exists = try await connection.query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \(role))").rows.first?.decode(Bool.self) ?? false
        if exists { try await connection.query("DROP OWNED BY \(identifier: role)") }
    }
}
