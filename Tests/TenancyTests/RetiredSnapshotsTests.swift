import EventStore
import Foundation
import PostgresClient
import Tenancy
import TestSupport
import Testing

@Suite("A retired pooled copy's snapshots are gone from the pool's view")
struct RetiredSnapshotsTests {
    @Test("once a tenant's pooled copy is retired, its snapshots are neither readable nor writable by the application or the operator")
    func retiredSnapshotsAreHidden() async throws {
        try await withTestDatabase { database async throws in
            let tenants = TwoTenants()
            let application = database.applicationPool(maximumConnections: 1)
            let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            let appSnapshots = SnapshotStore(pool: application)
            let operatorSnapshots = SnapshotStore(pool: operatorPool)
            try await tenants.seed(EventLog(pool: application), snapshots: appSnapshots)
            // Before the move both tenants' snapshots are there for both roles.
            #expect(try await appSnapshots.load(stream: "doc-1", tenant: tenants.b, type: "doc.v1") != nil)
            #expect(try await operatorSnapshots.load(stream: "doc-1", tenant: tenants.b, type: "doc.v1") != nil)

            try await tenants.retireB(on: operatorPool)

            #expect(try await appSnapshots.load(stream: "doc-1", tenant: tenants.b, type: "doc.v1") == nil)
            #expect(try await operatorSnapshots.load(stream: "doc-1", tenant: tenants.b, type: "doc.v1") == nil)
            let operatorCount = try await operatorPool.query(
                "SELECT count(*) FROM tenantry.snapshots WHERE tenant_id = \(tenants.b)"
            ).rows.first?.decode(Int.self)
            #expect(operatorCount == 0)
            // Writing it again (a new one, or over the hidden one) is refused.
            let overwrite = await #expect(throws: PostgresError.self) {
                try await appSnapshots.save(stream: "doc-1", tenant: tenants.b, type: "doc.v1", version: 2, state: ["of": "b"])
            }
            #expect(overwrite?.sqlState == .insufficientPrivilege)
            let fresh = await #expect(throws: PostgresError.self) {
                try await appSnapshots.save(stream: "doc-2", tenant: tenants.b, type: "doc.v1", version: 1, state: ["of": "b"])
            }
            #expect(fresh?.sqlState == .insufficientPrivilege)
            // Nor can the application delete or change it behind the policy's back.
            try await EventLog(pool: application).inTenant(tenants.b) { connection in
                try connection.query("UPDATE tenantry.snapshots SET stream_version = 9")
                try connection.query("DELETE FROM tenantry.snapshots")
            }
            let stored = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query(
                    "SELECT stream_version FROM tenantry.snapshots WHERE tenant_id = \(tenants.b)"
                ).rows.map { try $0.decode(Int64.self) }
            }
            #expect(stored == [1])
            // Tenant A, still pooled, is untouched.
            #expect(try await appSnapshots.load(stream: "doc-1", tenant: tenants.a, type: "doc.v1") != nil)
            try await appSnapshots.save(stream: "doc-1", tenant: tenants.a, type: "doc.v1", version: 2, state: ["of": "a"])
            #expect(try await appSnapshots.load(stream: "doc-1", tenant: tenants.a, type: "doc.v1")?.version == 2)
            await operatorPool.close()
            await application.close()
        }
    }
}
