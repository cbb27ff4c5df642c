public import PostgresClient

/// Applies numbered migrations once each, in order, recording them in a table.
///
/// Safe to run from several processes at once: a session-level advisory lock makes one of them
/// do the work while the others wait and then find nothing left to do. Each migration runs in
/// its own transaction, so a failing one leaves the schema at the previous version.
public struct SchemaMigrator: Sendable {
    /// Every migration, ascending by version.
    public let migrations: [Migration]
    /// The schema whose `schema_migrations` table records applied versions, e.g. `tenantry`.
    public let schema: String
    /// The role that runs (and so owns what) the migrations create; `nil` keeps the login role.
    public let ownerRole: String?

    /// A migrator of `migrations` (versions unique) recording them in `schema`.schema_migrations.
    public init(migrations: [Migration], schema: String, ownerRole: String?) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.schema = schema
        self.ownerRole = ownerRole
    }

    /// What was applied by one run.
    public struct Outcome: Sendable {
        /// The migrations this run applied, in order.
        public var applied: [Migration]
        /// The highest version applied now.
        public var currentVersion: Int
    }

    /// Applies what is pending. Throws when an applied migration's script has since changed.
    @discardableResult
    public func migrate(on connection: PostgresConnection) async throws -> Outcome {
        try await connection.withAdvisoryLock(schema + ".migrate") {
            try await applyPending(on: connection)
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
                throw DatabaseSetupError.migrationChanged(version: migration.version, name: migration.name)
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
            // A late migration can be numbered below ones applied before (0004 after 0202).
            outcome.currentVersion = max(outcome.currentVersion, migration.version)
        }
        return outcome
    }

    private func setOwnerRole(on connection: isolated PostgresConnection) throws {
        if let ownerRole {
            try connection.query("SET LOCAL ROLE \(identifier: ownerRole)")
        }
    }
}
