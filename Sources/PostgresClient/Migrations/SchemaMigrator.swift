/// Applies numbered migrations once each, in order, recording them in a table.
///
/// Safe to run from several processes at once: a session-level advisory lock makes one of them
/// do the work while the others wait and then find nothing left to do. Each migration runs in
/// its own transaction, so a failing one leaves the schema at the previous version.
public struct SchemaMigrator: Sendable {
    public let migrations: [Migration]
    /// Schema-qualified table that records applied versions, e.g. `tenantry.schema_migrations`.
    public let schema: String
    /// The role that runs (and so owns what) the migrations create; `nil` keeps the login role.
    public let ownerRole: String?

    public init(migrations: [Migration], schema: String, ownerRole: String?) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.schema = schema
        self.ownerRole = ownerRole
    }

    /// What was applied by one run.
    public struct Outcome: Sendable {
        public var applied: [Migration]
        public var currentVersion: Int
    }

    /// Applies what is pending. Throws when an applied migration's script has since changed.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> Outcome {
        do {
            // Inside the do: a lock granted just as its wait was cancelled is released too.
            try await connection.query(
                "SELECT pg_advisory_lock(hashtext(\(schema + ".migrate")))", timeout: PostgresConfiguration.lockWaitTimeout)
            let outcome = try await applyPending(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(hashtext(\(schema + ".migrate")))")
            return outcome
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(schema + ".migrate")))", honoringCancellation: false)
            throw error
        }
    }

    /// The versions recorded as applied, with their checksums; empty when the table is missing.
    public func appliedVersions(on connection: PostgresConnection) async throws -> [Int: String] {
        let exists = try await connection.query(
            "SELECT to_regclass(\(schema + ".schema_migrations")) IS NOT NULL"
        ).rows.first?.decode(Bool.self) ?? false
        guard exists else { return [:] }
        let rows = try await connection.query(
            "SELECT version, checksum FROM \(identifier: schema).schema_migrations"
        ).rows
        var applied: [Int: String] = [:]
        for row in rows {
            let (version, checksum) = try row.decode((Int, String).self)
            applied[version] = checksum
        }
        return applied
    }

    /// Migrations not yet applied (for `/readyz` and `tenantry migrate --status`).
    public func pending(on connection: PostgresConnection) async throws -> [Migration] {
        let applied = try await appliedVersions(on: connection)
        return migrations.filter { applied[$0.version] == nil }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> Outcome {
        try await connection.transaction { connection in
            let schemaExists = try connection.query("SELECT to_regnamespace(\(schema)) IS NOT NULL")
                .rows.first?.decode(Bool.self) ?? false
            try setOwnerRole(on: connection)
            if !schemaExists {
                try connection.query("CREATE SCHEMA \(identifier: schema)")
            }
            try connection.query("""
                CREATE TABLE IF NOT EXISTS \(identifier: schema).schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    checksum   text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        }
        let applied = try await appliedVersions(on: connection)
        for migration in migrations {
            if let checksum = applied[migration.version], checksum != migration.checksum {
                throw PostgresError.misuse(
                    "migration \(migration.version) (\(migration.name)) changed after it was applied; add a new migration instead"
                )
            }
        }
        var outcome = Outcome(applied: [], currentVersion: applied.keys.max() ?? 0)
        for migration in migrations where applied[migration.version] == nil {
            try await connection.transaction { connection in
                try setOwnerRole(on: connection)
                try connection.runScript(migration.sql, timeout: PostgresConfiguration.migrationTimeout)
                try connection.query("""
                    INSERT INTO \(identifier: schema).schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
            }
            outcome.applied.append(migration)
            outcome.currentVersion = migration.version
        }
        return outcome
    }

    private func setOwnerRole(on connection: isolated PostgresConnection) throws {
        if let ownerRole {
            try connection.query("SET LOCAL ROLE \(identifier: ownerRole)")
        }
    }
}
