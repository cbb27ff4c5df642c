public import PostgresClient

/// Brings a database to the current schema: creates the roles and the schema when connected as
/// a superuser (`SetupScripts`), then applies pending migrations (`TenantryMigrations`) as
/// `tenantry_owner`. Connected as a member of `tenantry_owner` it only checks that the roles
/// exist and migrates.
public struct DatabaseMigrator: Sendable {
    /// The migrator of the current release's schema.
    public init() {}

    /// What `migrate` did.
    public struct Outcome: Sendable {
        /// Whether the roles and schema were set up (the login was a superuser).
        public var createdRoles: Bool
        /// The migrations this run applied, in order.
        public var applied: [Migration]
        /// The highest version applied now.
        public var currentVersion: Int
    }

    /// Migrates the database `configuration` points at, connecting as its login user.
    @discardableResult
    public func migrate(_ configuration: PostgresConfiguration) async throws -> Outcome {
        try await PostgresConnection.withConnection(configuration.acting(as: nil)) { connection in
            try await migrate(on: connection)
        }
    }

    /// Migrates the database `connection` is in (see the type's description).
    public func migrate(on connection: PostgresConnection) async throws -> Outcome {
        // One migrator per database at a time; advisory locks are per database, and roles,
        // which are cluster-wide, are created tolerating a migrator of another database.
        try await connection.withAdvisoryLock("tenantry.bootstrap") {
            try await migrateHoldingLock(on: connection)
        }
    }

    private func migrateHoldingLock(on connection: PostgresConnection) async throws -> Outcome {
        let isSuperuser = try await connection.query(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).rows.first?.decode(Bool.self) ?? false
        if isSuperuser {
            try await bootstrap(on: connection)
        } else {
            try await requireRoles(on: connection)
        }
        let outcome = try await TenantryMigrations.migrator.migrate(on: connection)
        return Outcome(createdRoles: isSuperuser, applied: outcome.applied, currentVersion: outcome.currentVersion)
    }

    /// Migrations not applied yet, read on `connection` (any role that may read the schema).
    public func pending(on connection: PostgresConnection) async throws -> [Migration] {
        try await TenantryMigrations.migrator.pending(on: connection)
    }

    /// Migrations not applied yet (empty when the schema is current).
    public func pending(_ configuration: PostgresConfiguration) async throws -> [Migration] {
        try await PostgresConnection.withConnection(configuration.acting(as: nil)) { connection in
            try await TenantryMigrations.migrator.pending(on: connection)
        }
    }

    /// Creates the roles (cluster-wide, so tolerant of a concurrent creator in another database)
    /// and the schema, and lets the application role connect: `Roles/roles.sql`, then
    /// `Roles/database.sql`.
    private func bootstrap(on connection: PostgresConnection) async throws {
        try await connection.runScript(SetupScripts.roles)
        try await connection.runScript(SetupScripts.database)
        try await requireRoles(on: connection)
    }

    /// Refuses to go on when the roles are missing or the application role is too powerful.
    private func requireRoles(on connection: PostgresConnection) async throws {
        let rows = try await connection.query("""
            SELECT rolname, rolsuper OR rolbypassrls
            FROM pg_roles WHERE rolname IN (\(DatabaseRoles.owner), \(DatabaseRoles.application), \(DatabaseRoles.operator), \(DatabaseRoles.instance))
            """).rows
        var found: [String: Bool] = [:]
        for row in rows {
            let (name, isPrivileged) = try row.decode((String, Bool).self)
            found[name] = isPrivileged
        }
        guard found[DatabaseRoles.owner] != nil, found[DatabaseRoles.operator] != nil, found[DatabaseRoles.instance] == false,
              let appIsPrivileged = found[DatabaseRoles.application]
        else {
            throw DatabaseSetupError.rolesMissing
        }
        guard !appIsPrivileged else {
            throw DatabaseSetupError.applicationRoleTooPowerful
        }
    }
}
