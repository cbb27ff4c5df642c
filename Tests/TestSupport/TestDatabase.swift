import EmbeddedPostgres
import EventStore
import Foundation
import PostgresClient
import Schema

/// A database of one test's own, migrated, on the shared test cluster.
public struct TestDatabase: Sendable {
    public let name: String

    /// The superuser, for set-up the application role may not do.
    public var administratorConfiguration: PostgresConfiguration {
        TestCluster.maintenance.with(database: name)
    }

    /// The application role, `tenantry_app`, logged in directly.
    public var applicationConfiguration: PostgresConfiguration {
        PostgresConfiguration(
            connectionString: TestCluster.cluster.connectionString(database: name, user: DatabaseRoles.application)
        )
    }

    /// The operator role (superuser login acting as `tenantry_operator`): reads every tenant.
    public var operatorConfiguration: PostgresConfiguration {
        administratorConfiguration.acting(as: DatabaseRoles.operator)
    }

    /// The owner role (superuser login acting as `tenantry_owner`).
    public var ownerConfiguration: PostgresConfiguration {
        administratorConfiguration.acting(as: DatabaseRoles.owner)
    }

    /// A libpq URL-equivalent keyword string for the superuser, for running the binary.
    public var administratorConnectionString: String {
        TestCluster.cluster.connectionString(database: name)
    }

    /// Creates a migrated database from the template.
    public static func create() async throws -> TestDatabase {
        let template = try await TestCluster.ensureTemplate()
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            // Copying the template is real I/O: on a loaded machine it may take more than a
            // statement's usual minute.
            try await connection.query(
                "CREATE DATABASE \(identifier: String(name)) TEMPLATE \(identifier: template)", timeout: Self.databaseCommandTimeout
            )
        }
        return TestDatabase(name: String(name))
    }

    /// Drops the database, ending any connection still open to it. `WITH (FORCE)` waits five
    /// seconds for the ended sessions to exit; on a starved machine one can take longer, so a
    /// drop refused for that (55006) is tried again, within a minute.
    public func drop() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                    try await connection.query(
                        "DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)", timeout: Self.databaseCommandTimeout)
                }
                return
            } catch let error as PostgresError where error.sqlState == .objectInUse && ContinuousClock.now < deadline {
                continue
            }
        }
    }

    /// How long creating or dropping a test database may take.
    static let databaseCommandTimeout: Duration = .seconds(300)

    /// Makes the database refuse every new connection and ends the open ones (an outage, as a
    /// client sees it), or (false) accepts connections again.
    public func refuseConnections(_ refused: Bool) async throws {
        let allowed: StaticString = refused ? "false" : "true"
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("ALTER DATABASE \(identifier: name) ALLOW_CONNECTIONS \(literalSQL: allowed)")
            if refused {
                try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name)")
            }
        }
    }

    /// How many statements containing `text` are running on this database now (other than the
    /// asking one), for tests that must wait until a statement has really reached the server.
    public func activeQueries(containing text: String) async throws -> Int {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = \(name) AND state = 'active' AND pid <> pg_backend_pid()
                   AND strpos(query, \(text)) > 0
                """).rows.first?.decode(Int.self) ?? 0
        }
    }

    /// Ends every client connection to this database (what an idle reaper, a PgBouncer restart
    /// or a failover does); returns how many it ended.
    @discardableResult
    public func terminateConnections() async throws -> Int {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE datname = \(name) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                """).rows.first?.decode(Int.self) ?? 0
        }
    }

    /// A pool acting as `tenantry_app`.
    public func applicationPool(maximumConnections: Int = 8) -> PostgresPool {
        PostgresPool(configuration: applicationConfiguration, maximumConnections: maximumConnections)
    }
}

/// Runs `body` with a fresh database and drops it afterwards, whether `body` threw or not.
public func withTestDatabase<Value: Sendable>(
    _ body: (TestDatabase) async throws -> Value
) async throws -> Value {
    let database = try await TestDatabase.create()
    do {
        let value = try await body(database)
        try await database.drop()
        return value
    } catch {
        try? await database.drop()
        throw error
    }
}

/// Which role a test's event store acts as.
public enum TestRole: Sendable {
    /// `tenantry_app`: one tenant per transaction, under row-level security.
    case application
    /// `tenantry_operator`: reads every tenant's events (the global feed), appends through
    /// `append_events` like anyone.
    case `operator`
}

/// Runs `body` with an event store on a fresh database. The event store's own tests act as the
/// operator, who sees the whole feed; tenant isolation is tested as `tenantry_app`.
public func withEventStore<Value: Sendable>(
    role: TestRole = .operator,
    maximumConnections: Int = 8,
    _ body: (EventLog, TestDatabase) async throws -> Value
) async throws -> Value {
    try await withTestDatabase { database async throws in
        let configuration = switch role {
        case .application: database.applicationConfiguration
        case .operator: database.operatorConfiguration
        }
        let pool = PostgresPool(configuration: configuration, maximumConnections: maximumConnections)
        do {
            let value = try await body(EventLog(pool: pool), database)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}
