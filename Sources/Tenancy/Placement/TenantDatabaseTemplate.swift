public import PostgresClient
import Schema

/// The migrated database dedicated tenant databases are copied from (`tenantry_template`),
/// so a new tenant database costs a copy instead of every migration.
///
/// - **Fresh, or rebuilt before use.** The template is marked with the migrations it holds
///   (`COMMENT ON DATABASE`: each version and checksum, `fingerprint`), compared with the
///   release's `TenantryMigrations` before each copy. A template that is missing, half built,
///   or of other migrations is dropped and built again: created, migrated, then marked
///   `IS_TEMPLATE` with `ALLOW_CONNECTIONS false`, and only then given its marker.
/// - **One builder.** Building takes the advisory lock `(727276, hashtext(name))` in the
///   maintenance database `postgres` (advisory locks are per database), so concurrent
///   provisioners of the whole cluster build it once and the others find it fresh. A template
///   left invalid by a DROP cut short is dropped and built again.
/// - **Busy template.** A copy fails while anyone is connected to the template; the copy is
///   tried again until `busyDeadline`, then the database is created empty instead (the
///   migrator brings it to the schema), so a session left on the template slows provisioning
///   down but never stops it.
///
/// The caller migrates the copy afterwards all the same: a no-op on a fresh copy, and what
/// keeps a database copied from a template older than the release current.
public struct TenantDatabaseTemplate: Sendable, Hashable {
    /// The template of the release: `tenantry_template`, copied with `WAL_LOG`.
    public static let standard = TenantDatabaseTemplate(name: "tenantry_template")

    /// The advisory lock namespace of template builds.
    static let lockNamespace: Int32 = 727_276

    /// The template database's name (a valid identifier).
    public let name: String
    /// How a copy is made (see `DatabaseCopyStrategy`; `WAL_LOG` measured fastest, Decision 21).
    public let strategy: DatabaseCopyStrategy
    /// How long a copy waits for sessions connected to the template before it gives up on it.
    public let busyDeadline: Duration

    public init(name: String, strategy: DatabaseCopyStrategy = .walLog, busyDeadline: Duration = .seconds(10)) {
        self.name = name
        self.strategy = strategy
        self.busyDeadline = busyDeadline
    }

    /// How a database was made.
    public enum Creation: Sendable, Hashable {
        /// It existed already.
        case existed
        /// Copied from the fresh template.
        case copied
        /// Copied after the template was (re)built.
        case copiedAfterBuild
        /// Created empty: the template stayed busy past `busyDeadline`.
        case createdWithoutTemplate
    }

    /// The marker of a template holding the release's migrations: every version with its
    /// checksum, e.g. `tenantry migrations 1:9f…,2:41…`.
    public static var fingerprint: String {
        "tenantry migrations " + TenantryMigrations.all.map { "\($0.version):\($0.checksum)" }.joined(separator: ",")
    }

    /// Creates `database` (unless it exists) as a copy of the template, building or rebuilding
    /// the template first when it is not fresh. `connection` is the administrator's (superuser
    /// or CREATEDB, outside a transaction); `administrator` reaches the same cluster, for the
    /// migrator that builds the template.
    public func createDatabase(
        _ database: String, on connection: PostgresConnection, administrator: PostgresConfiguration
    ) async throws -> Creation {
        var deadline: ContinuousClock.Instant?
        var pause = Duration.milliseconds(20)
        var built = false
        while true {
            if try await !isFresh(on: connection) {
                built = try await build(on: connection, administrator: administrator) || built
            }
            do {
                let created = try await connection.createDatabaseIfMissing(database, template: name, strategy: strategy)
                return !created ? .existed : built ? .copiedAfterBuild : .copied
            } catch let error as PostgresError where error.sqlState == .objectInUse || error.sqlState == .invalidCatalogName {
                // Someone is connected to the template, or it was dropped (an operator, another
                // release rebuilding it) since it was found fresh: look again, within the deadline.
                let giveUp = deadline ?? ContinuousClock.now + busyDeadline
                deadline = giveUp
                guard ContinuousClock.now + pause < giveUp else {
                    let created = try await connection.createDatabaseIfMissing(database)
                    return created ? .createdWithoutTemplate : .existed
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }

    /// Whether the template exists, is a template refusing connections, and holds the
    /// release's migrations (its marker equals `fingerprint`).
    public func isFresh(on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("""
            SELECT datistemplate AND NOT datallowconn AND datconnlimit <> -2
                AND coalesce(shobj_description(oid, 'pg_database') = \(Self.fingerprint), false)
            FROM pg_database WHERE datname = \(name)
            """).rows.first?.decode(Bool.self) ?? false
    }

    /// Builds the template again unless another provisioner did while this one waited for the
    /// lock; `true` when this call built it.
    @discardableResult
    public func build(on connection: PostgresConnection, administrator: PostgresConfiguration) async throws -> Bool {
        // Advisory locks belong to one database: provisioners connected to different databases
        // (one per test, or per dedicated tenant) would not exclude each other there, and one's
        // DROP would cut another's build short. The maintenance database is one for all.
        let lockHolder = try? await PostgresConnection.connect(administrator.with(database: Self.lockDatabase))
        defer { if let lockHolder { Task { await lockHolder.close() } } }
        return try await (lockHolder ?? connection).withAdvisoryLock(name, namespace: Self.lockNamespace, timeout: PostgresConfiguration.migrationTimeout) {
            if try await isFresh(on: connection) { return false }
            let state = try await connection.query("""
                SELECT datconnlimit = -2 FROM pg_database WHERE datname = \(name)
                """).rows.first?.decode(Bool.self)
            switch state {
            case .some(false):
                // A template cannot be dropped; FORCE ends sessions left on it.
                try await connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false")
                try await connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
            case .some(true):
                // Invalid: a DROP that was cut short. It can only be dropped.
                try await connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
            case nil:
                break
            }
            try await connection.createDatabaseIfMissing(name)
            try await DatabaseMigrator().migrate(administrator.with(database: name))
            try await connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
            // The marker last: until it is there, the template is not fresh and nobody copies it.
            try await connection.query("COMMENT ON DATABASE \(identifier: name) IS \(stringConstant: Self.fingerprint)")
            return true
        }
    }

    /// Where builders take their lock: `postgres`, the database every cluster is made with (the
    /// database the caller is connected to when it cannot be reached).
    static let lockDatabase = "postgres"
}
