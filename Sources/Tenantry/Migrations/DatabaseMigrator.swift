public import PostgresClient

/// Brings a database to the current schema: creates the roles and the schema when connected as
/// a superuser, then applies pending migrations as `tenantry_owner`.
public struct DatabaseMigrator: Sendable {
    public init() {}

    /// What `migrate` did.
    public struct Outcome: Sendable {
        public var createdRoles: Bool
        public var applied: [Migration]
        public var currentVersion: Int
    }

    /// Migrates the database `configuration` points at, connecting as its login user.
    @discardableResult
    public func migrate(_ configuration: PostgresConfiguration) async throws -> Outcome {
        try await PostgresConnection.withConnection(configuration.acting(as: nil)) { connection in
            try await migrate(on: connection)
        }
    }

    public func migrate(on connection: PostgresConnection) async throws -> Outcome {
        // One migrator per database at a time; advisory locks are per database.
        do {
            // Inside the do: a lock granted just as its wait was cancelled is released too.
            try await connection.query(
                "SELECT pg_advisory_lock(hashtext('tenantry.bootstrap'))", timeout: PostgresConfiguration.lockWaitTimeout)
            let outcome = try await migrateHoldingLock(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(hashtext('tenantry.bootstrap'))")
            return outcome
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext('tenantry.bootstrap'))", honoringCancellation: false)
            throw error
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
    /// and the schema, and lets the application role connect.
    private func bootstrap(on connection: PostgresConnection) async throws {
        try await connection.runScript("""
            DO $$
            BEGIN
                BEGIN
                    CREATE ROLE tenantry_owner NOLOGIN;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                BEGIN
                    CREATE ROLE tenantry_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                BEGIN
                    CREATE ROLE tenantry_operator NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                BEGIN
                    CREATE ROLE tenantry_instance NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
                EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO tenantry_app', current_database());
            END
            $$;
            CREATE SCHEMA IF NOT EXISTS tenantry AUTHORIZATION tenantry_owner;
            """)
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
