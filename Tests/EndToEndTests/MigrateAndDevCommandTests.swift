import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("tenantry migrate and dev, end to end")
struct MigrateAndDevCommandTests {
    @Test("migrate with a superuser URL creates roles and schema once; a second run applies nothing")
    func migrateIsIdempotent() async throws {
        _ = try await TestDatabase.create().drop()  // makes sure the shared cluster runs
        let name = "e2e_migrate_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("CREATE DATABASE \(identifier: name)")
        }
        let url = TestCluster.cluster.connectionString(database: name)
        do {
            let first = try await TenantryProcess.run(["migrate", "--database-url", url])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("applied 1 event_store"))
            let second = try await TenantryProcess.run(["migrate", "--database-url", url, "--json"])
            #expect(second.status == 0)
            #expect(second.standardOutput.contains(#""applied":[]"#))
            let status = try await TenantryProcess.run(["migrate", "--status", "--database-url", url])
            #expect(status.status == 0)
            #expect(status.standardOutput.contains("schema is current"))
        }
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("DROP DATABASE \(identifier: name) WITH (FORCE)")
        }
    }

    @Test("a command against an unmigrated database says to run migrate, exit 78")
    func unmigratedDatabase() async throws {
        _ = try await TestDatabase.create().drop()
        let name = "e2e_empty_\(UUID().uuidString.prefix(8).lowercased())"
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("CREATE DATABASE \(identifier: name)")
        }
        let url = TestCluster.cluster.connectionString(database: name)
        let outcome = try await TenantryProcess.run(
            ["events", "read", "account-1", "--tenant", UUID().uuidString],
            environment: ["TENANTRY_DATABASE_URL": url]
        )
        #expect(outcome.status == 78, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("tenantry migrate"))
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("DROP DATABASE \(identifier: name) WITH (FORCE)")
        }
    }

    @Test("an unreachable database exits 69 with libpq's reason")
    func unreachableDatabase() async throws {
        let outcome = try await TenantryProcess.run(
            ["events", "read", "account-1", "--tenant", UUID().uuidString, "--database-url", "host=/nonexistent dbname=x user=x"]
        )
        #expect(outcome.status == 69)
        #expect(outcome.standardError.hasPrefix("error: cannot connect to PostgreSQL"))
    }

    @Test("dev up starts the embedded cluster and migrates; status and down follow it; zero set-up")
    func devLifecycle() async throws {
        let home = TestCluster.packageRoot.appendingPathComponent(".tenantry/test-clusters/dev-\(UUID().uuidString.prefix(8))")
        let env = ["TENANTRY_HOME": home.path]
        defer {
            _ = try? FileManager.default.removeItem(at: home)
        }
        let up = try await TenantryProcess.run(["dev", "up"], environment: env)
        #expect(up.status == 0, "\(up.standardError)")
        #expect(up.standardOutput.contains("psql \"host="))
        #expect(up.standardOutput.contains("migrated: 1 event_store"))

        // With no URL, an ordinary command uses the same embedded cluster.
        let tenant = UUID().uuidString
        let append = try await TenantryProcess.run(
            ["events", "append", "note-1", "--tenant", tenant, "--type", "Noted", "--data", "{}"], environment: env
        )
        #expect(append.status == 0, "\(append.standardError)")

        let status = try await TenantryProcess.run(["dev", "status", "--json"], environment: env)
        #expect(status.status == 0)
        #expect(status.standardOutput.contains(#""running":true"#))

        let down = try await TenantryProcess.run(["dev", "down"], environment: env)
        #expect(down.status == 0)
        let stopped = try await TenantryProcess.run(["dev", "status"], environment: env)
        #expect(stopped.status == 3)
        #expect(stopped.standardOutput.contains("no"))
    }
}
