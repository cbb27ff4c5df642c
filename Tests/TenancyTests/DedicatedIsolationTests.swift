import EventStore
import Foundation
import PostgresClient
import Tenancy
import Schema
import TestSupport
import Testing

@Suite("Pooled and dedicated isolation")
struct DedicatedIsolationTests {
    @Test("a dedicated tenant's events live only in its own database; a pooled tenant's only in the shared one")
    func dedicatedEventsStayInTheirDatabase() async throws {
        try await withEventStore(role: .application) { pooledStore, database async throws in
            let slug = "acme-" + UUID().uuidString.prefix(8).lowercased()
            let dedicatedName = try #require(DedicatedDatabaseName.forSlug(slug))
            let provisioner = DedicatedDatabaseProvisioner()
            let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 2)
            let placements = TenantPlacementStore(pool: operatorPool)
            let router = TenantDatabaseRouter(
                pooled: pooledStore,
                placements: placements,
                cells: CellConnections { location throws(CellError) in throw .unusable("no cell but main here, not \(location)") }
            ) { database, _ in
                PostgresConfiguration(
                    connectionString: TestCluster.cluster.connectionString(database: database, user: DatabaseRoles.application)
                )
            }
            let (dedicatedTenant, pooledTenant) = (UUID(), UUID())
            do {
                // Provisioning twice is harmless (a resumed provisioning does exactly that).
                try await provisioner.provision(database: dedicatedName, administrator: TestCluster.maintenance)
                try await provisioner.provision(database: dedicatedName, administrator: TestCluster.maintenance)
                try await placements.record(.dedicated(database: dedicatedName, clusterURL: nil), of: dedicatedTenant)

                let dedicatedStore = try await router.eventStore(for: dedicatedTenant)
                try await dedicatedStore.append([try NewEvent(type: "Dedicated", dataJSON: "{}")], to: "doc-1", tenant: dedicatedTenant)
                let routedPooled = try await router.eventStore(for: pooledTenant)
                try await routedPooled.append([try NewEvent(type: "Pooled", dataJSON: "{}")], to: "doc-1", tenant: pooledTenant)

                func tenants(in database: String) async throws -> [UUID] {
                    try await PostgresConnection.withConnection(TestCluster.maintenance.with(database: database)) { connection in
                        try await connection.query("SELECT tenant_id FROM tenantry.events ORDER BY tenant_id").rows.map { try $0.decode(UUID.self) }
                    }
                }
                #expect(try await tenants(in: dedicatedName) == [dedicatedTenant])
                #expect(try await tenants(in: database.name) == [pooledTenant])
                // The router hands out the same store for the same dedicated database.
                #expect(try await router.eventStore(for: dedicatedTenant).pool === dedicatedStore.pool)
            } catch {
                await router.shutdown()
                await operatorPool.close()
                try? await provisioner.drop(database: dedicatedName, administrator: TestCluster.maintenance)
                throw error
            }
            await router.shutdown()
            await operatorPool.close()
            try await provisioner.drop(database: dedicatedName, administrator: TestCluster.maintenance)
            let gone = try await PostgresConnection.withConnection(TestCluster.maintenance) { connection in
                try await connection.query("SELECT count(*) FROM pg_database WHERE datname = \(dedicatedName)").rows.first?.decode(Int.self)
            }
            #expect(gone == 0)
        }
    }

    @Test("dedicated database names come only from valid slugs", arguments: [
        ("acme-corp", "tenantry_t_acme_corp"),
        ("a1", "tenantry_t_a1"),
        ("Acme", nil),
        ("acme corp", nil),
        ("", nil),
        ("x\"; DROP DATABASE postgres; --", nil),
        (String(repeating: "a", count: 41), nil),
    ] as [(String, String?)])
    func databaseNames(_ slug: String, _ expected: String?) {
        #expect(DedicatedDatabaseName.forSlug(slug) == expected)
    }

    @Test("the placement table refuses inconsistent records")
    func placementConstraints() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                let pooledWithDatabase = await #expect(throws: PostgresError.self) {
                    try await connection.query("""
                        INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name) VALUES (\(UUID()), 'pooled', 'tenantry_t_x')
                        """)
                }
                #expect(pooledWithDatabase?.sqlState == .checkViolation)
                let badName = await #expect(throws: PostgresError.self) {
                    try await connection.query("""
                        INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name) VALUES (\(UUID()), 'dedicated', 'postgres')
                        """)
                }
                #expect(badName?.sqlState == .checkViolation)
            }
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let appWrites = await #expect(throws: PostgresError.self) {
                    try await connection.query("DELETE FROM tenantry.tenant_placements")
                }
                #expect(appWrites?.sqlState == .insufficientPrivilege)
            }
        }
    }
}
