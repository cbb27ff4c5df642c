import Foundation
import PostgresClient
import Schema
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    /// The checksums `tenantry.schema_migrations` holds for every migration released before the
    /// SQL moved into this target: a database migrated then must find each one unchanged.
    static let releasedChecksums: [Int: (name: String, checksum: String)] = [
        1: ("event_store", "168d0d2b06d2e0e7"),
        2: ("schema_migrations_readable", "300d3315ec81bf2e"),
        3: ("quiet_notifications", "180ca2b540e6d569"),
        100: ("row_level_security", "8847612fcb55de9b"),
        101: ("tenant_placements", "ad8bf91cf5ec87b8"),
        102: ("retired_pooled_copies", "e77fcd298fb5c6ff"),
        103: ("retired_pooled_copies_private", "9caa41662c81fbb5"),
        104: ("instance_logins", "d1c28baf9883ac7b"),
        105: ("retired_snapshots", "1b35c72c5bd66b03"),
        106: ("instance_writes_bounded", "aa0103b8b361e93b"),
        200: ("tenants_read_model", "d5a18cb2a69ea1e4"),
        201: ("tenants_compensation_owed", "2b3b9712b85fe486"),
        202: ("signup_admissions", "e67a8ca233fc39d9"),
    ]

    @Test("every released migration keeps its version, name and checksum")
    func releasedMigrationsUnchanged() {
        let byVersion = Dictionary(uniqueKeysWithValues: TenantryMigrations.all.map { ($0.version, $0) })
        for (version, released) in Self.releasedChecksums {
            let migration = byVersion[version]
            #expect(migration?.name == released.name, "migration \(version)")
            #expect(migration?.checksum == released.checksum, "migration \(version)")
        }
        #expect(TenantryMigrations.all.map(\.version) == TenantryMigrations.all.map(\.version).sorted())
    }

    @Test("a migrated database records each migration once; migrating again applies nothing")
    func appliedOnce() async throws {
        try await withTestDatabase { database async throws in
            let again = try await DatabaseMigrator().migrate(database.administratorConfiguration)
            #expect(again.applied.isEmpty)
            #expect(again.currentVersion == TenantryMigrations.all.map(\.version).max())
            let recorded = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("SELECT version, checksum FROM tenantry.schema_migrations ORDER BY version")
                    .rows.map { try $0.decode((Int, String).self) }
            }
            #expect(recorded.map(\.0) == TenantryMigrations.all.map(\.version))
            #expect(recorded.map(\.1) == TenantryMigrations.all.map(\.checksum))
            #expect(try await DatabaseMigrator().pending(database.administratorConfiguration).isEmpty)
        }
    }

    @Test("two migrators of one fresh database at once: one applies everything, the other nothing")
    func concurrentMigratorsOfOneDatabase() async throws {
        try await withEmptyDatabase { configuration async throws in
            async let first = DatabaseMigrator().migrate(configuration)
            async let second = DatabaseMigrator().migrate(configuration)
            let applied = try await [first.applied.count, second.applied.count].sorted()
            #expect(applied == [0, TenantryMigrations.all.count])
        }
    }

    @Test("an applied migration whose script changed is refused, naming it")
    func changedMigrationRefused() async throws {
        try await withTestDatabase { database async throws in
            let edited = TenantryMigrations.all.map { migration in
                migration.version == 1 ? Migration(version: 1, name: migration.name, sql: migration.sql + "\n-- edited") : migration
            }
            let migrator = SchemaMigrator(migrations: edited, schema: DatabaseRoles.schema, ownerRole: DatabaseRoles.owner)
            let error = await #expect(throws: DatabaseSetupError.self) {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await migrator.migrate(on: connection)
                }
            }
            #expect(error?.description.contains("migration 1 (event_store) changed") == true)
        }
    }

    @Test("a late migration numbered below applied ones (0004 after 0202) leaves the reported version at the highest")
    func lateLowMigrationKeepsHighestVersion() async throws {
        try await withEmptyDatabase { configuration async throws in
            let first = Migration(version: 1, name: "first", sql: "CREATE TABLE ordering.a (id int)")
            let late = Migration(version: 2, name: "late", sql: "CREATE TABLE ordering.b (id int)")
            let high = Migration(version: 300, name: "high", sql: "CREATE TABLE ordering.c (id int)")
            let released = SchemaMigrator(migrations: [first, high], schema: "ordering", ownerRole: nil)
            let upgraded = SchemaMigrator(migrations: [first, late, high], schema: "ordering", ownerRole: nil)
            try await PostgresConnection.withConnection(configuration) { connection in
                let before = try await released.migrate(on: connection)
                #expect(before.currentVersion == 300)
                let after = try await upgraded.migrate(on: connection)
                #expect(after.applied.map(\.version) == [2])
                #expect(after.currentVersion == 300)
            }
        }
    }

    /// A database of the shared test cluster with nothing in it, dropped afterwards.
    private func withEmptyDatabase(_ body: (PostgresConfiguration) async throws -> Void) async throws {
        _ = try await TestCluster.ensureTemplate()
        let name = "empty_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.createDatabaseIfMissing(String(name))
        }
        do {
            try await body(TestCluster.maintenance.with(database: String(name)))
        } catch {
            try? await drop(String(name))
            throw error
        }
        try await drop(String(name))
    }

    private func drop(_ name: String) async throws {
        try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
        }
    }
}
