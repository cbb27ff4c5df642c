import Foundation
import PostgresClient
import Schema
import Tenancy
import TestSupport
import Testing

/// Dedicated databases copied from the migrated template. Each test uses a template of its own
/// (not the release's `tenantry_template`, which other tests share), dropped afterwards.
@Suite("Dedicated databases from a template")
struct DatabaseTemplateTests {
    @Test("provisioners racing on a missing template build it once, and every database they make has every migration")
    func builtOnceUnderConcurrency() async throws {
        try await withScratchTemplate { template, names in
            let provisioner = DedicatedDatabaseProvisioner(template: template)
            let databases = (0..<4).map { names.database($0) }
            let start = Barrier(parties: databases.count)
            let creations = try await withThrowingTaskGroup(of: TenantDatabaseTemplate.Creation.self) { group in
                for database in databases {
                    group.addTask {
                        try await start.arrive()
                        return try await provisioner.provision(database: database, administrator: TestCluster.maintenance)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(creations.filter { $0 == .copiedAfterBuild }.count == 1, "\(creations)")
            #expect(creations.filter { $0 == .copied }.count == databases.count - 1, "\(creations)")
            #expect(try await templateState(template.name) == TemplateState(isTemplate: true, allowsConnections: false, marker: TenantDatabaseTemplate.fingerprint))
            for database in databases {
                try await expectCurrent(database)
            }
        }
    }

    @Test("a template marked with older migrations is rebuilt before it is copied, and the copy has every migration")
    func staleTemplateIsRebuilt() async throws {
        try await withScratchTemplate { template, names in
            let provisioner = DedicatedDatabaseProvisioner(template: template)
            try await provisioner.provision(database: names.database(0), administrator: TestCluster.maintenance)
            // The template of an older release: without the newest migration, and marked so.
            let newest = try #require(TenantryMigrations.all.last)
            let older = "tenantry migrations " + TenantryMigrations.all.dropLast().map { "\($0.version):\($0.checksum)" }.joined(separator: ",")
            try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("ALTER DATABASE \(identifier: template.name) WITH ALLOW_CONNECTIONS true")
            }
            try await PostgresConnection.withConnection(TestCluster.maintenance.with(database: template.name)) { connection in
                try await connection.query("DROP TABLE tenantry.signup_admissions CASCADE")
                try await connection.query("DELETE FROM tenantry.schema_migrations WHERE version = \(newest.version)")
            }
            try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("ALTER DATABASE \(identifier: template.name) WITH ALLOW_CONNECTIONS false")
                try await connection.query("COMMENT ON DATABASE \(identifier: template.name) IS \(stringConstant: older)")
            }
            #expect(try await templateState(template.name).marker == older)

            let creation = try await provisioner.provision(database: names.database(1), administrator: TestCluster.maintenance)
            #expect(creation == .copiedAfterBuild)
            #expect(try await templateState(template.name).marker == TenantDatabaseTemplate.fingerprint)
            try await expectCurrent(names.database(1))
            #expect(try await tableExists("tenantry.signup_admissions", in: names.database(1)))
        }
    }

    @Test("a session left on the template does not stop provisioning: it waits, then creates the database without the template")
    func busyTemplateDoesNotStopProvisioning() async throws {
        try await withScratchTemplate(busyDeadline: .milliseconds(300)) { template, names in
            let provisioner = DedicatedDatabaseProvisioner(template: template)
            #expect(try await provisioner.provision(database: names.database(0), administrator: TestCluster.maintenance) == .copiedAfterBuild)
            // A session on the template (an operator looking inside), left open: it was let in
            // while connections were allowed, and stays after they are refused again.
            try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("ALTER DATABASE \(identifier: template.name) WITH ALLOW_CONNECTIONS true")
            }
            let held = try await PostgresConnection.connect(TestCluster.maintenance.with(database: template.name))
            try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("ALTER DATABASE \(identifier: template.name) WITH ALLOW_CONNECTIONS false")
            }
            do {
                try await held.query("SELECT 1")
                let creation = try await provisioner.provision(database: names.database(1), administrator: TestCluster.maintenance)
                #expect(creation == .createdWithoutTemplate)
                try await expectCurrent(names.database(1))
                await held.close()
            } catch {
                await held.close()
                throw error
            }
            // The session gone, the template is copied again.
            #expect(try await provisioner.provision(database: names.database(2), administrator: TestCluster.maintenance) == .copied)
            try await expectCurrent(names.database(2))
        }
    }
}

/// Names for one test's template and databases.
private struct ScratchNames: Sendable {
    let prefix: String

    func database(_ index: Int) -> String { "\(prefix)_db\(index)" }
}

/// Runs `body` with a template of the test's own (not built yet), then drops it and every
/// database named after it.
private func withScratchTemplate(
    busyDeadline: Duration = .seconds(10),
    _ body: (TenantDatabaseTemplate, ScratchNames) async throws -> Void
) async throws {
    _ = try await TestCluster.ensureTemplate()
    let prefix = "tpltest_" + UUID().uuidString.prefix(8).lowercased()
    let template = TenantDatabaseTemplate(name: prefix, busyDeadline: busyDeadline)
    do {
        try await body(template, ScratchNames(prefix: prefix))
        try await dropScratch(prefix)
    } catch {
        try? await dropScratch(prefix)
        throw error
    }
}

private func dropScratch(_ prefix: String) async throws {
    try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
        let names = try await connection.query("SELECT datname FROM pg_database WHERE starts_with(datname, \(prefix))")
            .rows.map { try $0.decode(String.self) }
        for name in names {
            try await connection.query("ALTER DATABASE \(identifier: name) WITH IS_TEMPLATE false")
            try await connection.query("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)")
        }
    }
}

private struct TemplateState: Equatable {
    var isTemplate: Bool
    var allowsConnections: Bool
    var marker: String?
}

private func templateState(_ name: String) async throws -> TemplateState {
    try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
        let row = try #require(try await connection.query("""
            SELECT datistemplate, datallowconn, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = \(name)
            """).rows.first)
        let (isTemplate, allowsConnections, marker) = try row.decode((Bool, Bool, String?).self)
        return TemplateState(isTemplate: isTemplate, allowsConnections: allowsConnections, marker: marker)
    }
}

/// Expects `database` to hold every migration of the release, and the application role to be
/// allowed in (a grant a copy does not inherit from its template).
private func expectCurrent(_ database: String) async throws {
    let versions = try await PostgresConnection.withConnection(TestCluster.maintenance.with(database: database)) { connection in
        try await connection.query("SELECT version FROM tenantry.schema_migrations ORDER BY version").rows.map { try $0.decode(Int.self) }
    }
    #expect(versions == TenantryMigrations.all.map(\.version), "\(database)")
    let mayConnect = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
        try await connection.query("SELECT has_database_privilege(\(DatabaseRoles.application), \(database), 'CONNECT')")
            .rows.first?.decode(Bool.self)
    }
    #expect(mayConnect == true, "\(database)")
}

private func tableExists(_ table: String, in database: String) async throws -> Bool {
    try await PostgresConnection.withConnection(TestCluster.maintenance.with(database: database)) { connection in
        try await connection.query("SELECT to_regclass(\(table)) IS NOT NULL").rows.first?.decode(Bool.self) ?? false
    }
}
