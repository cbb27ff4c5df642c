import EmbeddedPostgres
import Foundation
import PostgresClient
import Schema
import TestSupport
import Testing

/// Roles belong to the cluster, so migrating two databases at once makes two sessions create
/// the same roles. These tests run on a cluster of their own: the shared test cluster's roles
/// exist already, and nothing could race on creating them there.
@Suite("Roles are created once per cluster, whoever gets there first")
struct RoleCreationTests {
    @Test("a migration waiting on another database's uncommitted role creation succeeds once that commits")
    func concurrentCreatorInAnotherDatabase() async throws {
        let cluster = TestCluster.privateCluster()
        defer { try? cluster.destroy() }
        _ = try await cluster.start()
        let maintenance = PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres"))
        try await PostgresConnection.withConnection(maintenance) { connection async throws in
            #expect(try await connection.createDatabaseIfMissing("first"))
            #expect(try await connection.createDatabaseIfMissing("second"))
            #expect(try await !connection.createDatabaseIfMissing("second"))
        }
        #expect(try await roleCount(maintenance) == 0)

        // One session creates the roles in `first` and keeps its transaction open, so the other
        // (migrating `second`) reaches the same CREATE ROLE while the first is undecided.
        let holder = try await PostgresConnection.connect(maintenance.with(database: "first"))
        try await holder.query("BEGIN")
        try await holder.runScript(SetupScripts.roles)
        let second = Task { try await DatabaseMigrator().migrate(maintenance.with(database: "second")) }
        try await waitUntil("the second migration waits for the first session's roles") {
            try await PostgresConnection.withConnection(maintenance) { connection async throws in
                try await connection.query("""
                    SELECT count(*) FROM pg_stat_activity WHERE datname = 'second' AND wait_event_type = 'Lock'
                    """).rows.first?.decode(Int.self) == 1
            }
        }
        try await holder.query("COMMIT")
        await holder.close()

        let outcome = try await second.value
        #expect(outcome.createdRoles)
        #expect(outcome.applied.map(\.version) == TenantryMigrations.all.map(\.version))
        // The roles exist now; migrating the first database creates none and fails on none.
        let first = try await DatabaseMigrator().migrate(maintenance.with(database: "first"))
        #expect(first.applied.count == TenantryMigrations.all.count)
        #expect(try await roleCount(maintenance) == 4)
        try await cluster.stop()
    }

    @Test("migrating two databases at the same moment creates the roles once and migrates both")
    func twoDatabasesAtOnce() async throws {
        let cluster = TestCluster.privateCluster()
        defer { try? cluster.destroy() }
        _ = try await cluster.start()
        let maintenance = PostgresConfiguration(connectionString: cluster.connectionString(database: "postgres"))
        let names = ["one", "two", "three"]
        try await PostgresConnection.withConnection(maintenance) { connection async throws in
            for name in names { try await connection.createDatabaseIfMissing(name) }
        }
        let outcomes = try await withThrowingTaskGroup(of: DatabaseMigrator.Outcome.self) { group in
            for name in names {
                group.addTask { try await DatabaseMigrator().migrate(maintenance.with(database: name)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == names.count)
        #expect(outcomes.allSatisfy { $0.applied.count == TenantryMigrations.all.count })
        #expect(try await roleCount(maintenance) == 4)
        try await cluster.stop()
    }

    private func roleCount(_ configuration: PostgresConfiguration) async throws -> Int {
        try await PostgresConnection.withConnection(configuration) { connection in
            try await connection.query("""
                SELECT count(*) FROM pg_roles
                WHERE rolname IN (\(DatabaseRoles.owner), \(DatabaseRoles.application), \(DatabaseRoles.operator), \(DatabaseRoles.instance))
                """).rows.first?.decode(Int.self) ?? -1
        }
    }
}
