import EventStore
import Foundation
import PostgresClient
import TestSupport

/// Two tenants seeded in a fresh database, B's pooled copy then retired: the pools acting as
/// `tenantry_app` (with its event store) and as `tenantry_operator`, one connection each.
struct RetiredTenantFixture {
    let database: TestDatabase
    let tenants: TwoTenants
    let application: PostgresPool
    let operatorPool: PostgresPool
    let store: EventLog

    /// Runs `body` with the fixture; closes both pools afterwards.
    static func with(_ body: (RetiredTenantFixture) async throws -> Void) async throws {
        try await withTestDatabase { database async throws in
            let fixture = RetiredTenantFixture(
                database: database,
                tenants: TwoTenants(),
                application: database.applicationPool(maximumConnections: 1),
                operatorPool: PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            )
            do {
                try await fixture.tenants.seed(fixture.store, snapshots: SnapshotStore(pool: fixture.application))
                try await fixture.tenants.retireB(on: fixture.operatorPool)
                try await body(fixture)
            } catch {
                await fixture.close()
                throw error
            }
            await fixture.close()
        }
    }

    private init(database: TestDatabase, tenants: TwoTenants, application: PostgresPool, operatorPool: PostgresPool) {
        self.database = database
        self.tenants = tenants
        self.application = application
        self.operatorPool = operatorPool
        store = EventLog(pool: application)
    }

    private func close() async {
        await operatorPool.close()
        await application.close()
    }
}
