import EmbeddedPostgres
import Foundation
import PostgresClient
import Schema

/// The throwaway PostgreSQL cluster the tests share: `.tenantry/test/postgres` in the package,
/// started (initdb on first use) by the first test that needs it and reused afterwards.
///
/// Each test gets a database of its own, copied from a template that already holds the current
/// schema, so tests run in parallel and leave nothing behind.
public enum TestCluster {
    /// The package's root folder, found from this file's path.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    public static let cluster = EmbeddedCluster(
        directory: packageRoot.appendingPathComponent(".tenantry/test/postgres").path,
        profile: .testing
    )

    /// A connection to the cluster's maintenance database as the superuser.
    public static var maintenance: PostgresConfiguration {
        PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres"))
    }

    /// The name of the template database holding the current migrations.
    static let templateName = "tenantry_template_" + String(
        TenantryMigrations.all.map(\.checksum).joined().hashValueFNV, radix: 16
    )

    private static let template = TemplateDatabase()

    /// Starts the cluster and builds the template once per process (and once per cluster:
    /// concurrent test processes wait for each other on an advisory lock).
    public static func ensureTemplate() async throws -> String {
        try await template.ensure()
    }

    /// A fresh throwaway cluster of a test's own, for tests that stop or restart the server.
    public static func privateCluster() -> EmbeddedCluster {
        EmbeddedCluster(
            directory: packageRoot.appendingPathComponent(".tenantry/test-clusters/\(UUID().uuidString.prefix(8))").path,
            profile: .testing
        )
    }
}

/// Builds the template database once: every caller in the process awaits the one build (an
/// actor alone would let each caller start its own while the first is suspended).
private actor TemplateDatabase {
    private var building: Task<String, any Error>?

    func ensure() async throws -> String {
        if let building { return try await building.value }
        let build = Task { try await Self.buildOnce() }
        building = build
        do {
            return try await build.value
        } catch {
            // A failed build is not remembered: the next test tries again.
            building = nil
            throw error
        }
    }

    private static func buildOnce() async throws -> String {
        _ = try await TestCluster.cluster.start()
        let name = TestCluster.templateName
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            // Advisory locks are per database; every test process takes this one in `postgres`.
            // Another process may be migrating the template on a loaded machine: wait as long
            // as a migration may take, not a statement's minute.
            try await connection.withAdvisoryLock("tenantry.test_template", timeout: PostgresConfiguration.migrationTimeout) {
                try await Self.build(name, on: connection)
            }
        }
        return name
    }

    private static func build(_ name: String, on connection: PostgresConnection) async throws {
        let exists = try await connection.query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = \(name))")
            .rows.first?.decode(Bool.self) ?? false
        if exists { return }
        // Templates of older schemas are useless now, and so are dedicated tenant databases an
        // earlier run left behind: a saga finding one would migrate it, and fail on a changed
        // migration of an unreleased schema.
        let stale = try await connection.query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'tenantry\\_template\\_%' OR datname LIKE 'building\\_%' OR datname LIKE 'tenantry\\_t\\_%'"
        ).rows.map { try $0.decode(String.self) }
        for database in stale {
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: database) WITH (FORCE)")
        }
        let building = "building_\(name)"
        try await connection.query("CREATE DATABASE \(identifier: building)")
        try await DatabaseMigrator().migrate(TestCluster.maintenance.with(database: building))
        try await connection.query("ALTER DATABASE \(identifier: building) RENAME TO \(identifier: name)")
    }
}

extension String {
    /// FNV-1a, for a short stable name derived from text.
    var hashValueFNV: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
