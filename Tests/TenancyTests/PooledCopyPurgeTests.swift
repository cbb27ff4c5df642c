import EventStore
import Foundation
import PostgresClient
@testable import Tenancy
import TestSupport
import Testing

/// `tenantry.purge_tenant` (migration 0112) through `PooledCopyPurge`: a retired tenant's pooled
/// rows go, with a record of the purge; nothing else can delete them, and nothing is deleted
/// without a verified copy.
@Suite("Purging a retired tenant's pooled rows")
struct PooledCopyPurgeTests {
    static let controlPlane = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The rows `tenant` has in each tenant-owned table, as the superuser (which no row
    /// security hides anything from) counts them.
    static func rows(of tenant: UUID, in database: TestDatabase) async throws -> [Int] {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
            var counts: [Int] = []
            for table in ["events", "streams", "snapshots"] {
                let query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM tenantry.\(table) WHERE tenant_id = $1", bindings: [tenant.uuidString.lowercased()])
                counts.append(try await admin.query(query).rows.first?.decode(Int.self) ?? -1)
            }
            return counts
        }
    }

    /// The purge events recorded on `tenant`'s control-plane stream: (data, metadata) as text.
    static func purgeEvents(of tenant: UUID, in database: TestDatabase) async throws -> [(String, String)] {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
            try await admin.query("""
                SELECT data::text, metadata::text FROM tenantry.events
                WHERE tenant_id = \(controlPlane) AND stream_name = \("tenant-" + tenant.uuidString.lowercased())
                  AND event_type = 'TenantPooledEventsPurged'
                ORDER BY position
                """).rows.map { try $0.decode((String, String).self) }
        }
    }

    /// Two tenants seeded in a fresh database and B's fingerprint, with pools acting as
    /// `tenantry_app` and `tenantry_operator` (closed afterwards).
    static func withSeededTenants(
        _ body: (TestDatabase, TwoTenants, PostgresPool, PostgresPool, TenantEventsFingerprint) async throws -> Void
    ) async throws {
        try await withTestDatabase { database async throws in
            let application = database.applicationPool(maximumConnections: 1)
            let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 1)
            do {
                let tenants = TwoTenants()
                try await tenants.seed(EventLog(pool: application), snapshots: SnapshotStore(pool: application))
                let fingerprint = try await TenantEventsFingerprint.of(tenants.b, on: operatorPool)
                try await body(database, tenants, application, operatorPool, fingerprint)
            } catch {
                await application.close()
                await operatorPool.close()
                throw error
            }
            await application.close()
            await operatorPool.close()
        }
    }

    @Test("a tenant moved with a verified copy loses every pooled row, the purge is recorded once, and the other tenant keeps its own")
    func purgeAfterVerifiedMove() async throws {
        try await Self.withSeededTenants { database, tenants, application, operatorPool, fingerprint in
            try await PooledCopyRetirement(pool: operatorPool).retire(tenants.b, movedTo: "tenantry_t_b", verified: fingerprint)

            let purge = PooledCopyPurge(administrator: database.administratorConfiguration)
            let receipt = try await purge.purge(tenants.b, actor: "test:operator", reason: "moved to tenantry_t_b")
            #expect(receipt == PooledCopyPurge.Receipt(events: 1, streams: 1, snapshots: 1, checksum: fingerprint.checksum))
            let (rowsOfB, rowsOfA) = (try await Self.rows(of: tenants.b, in: database), try await Self.rows(of: tenants.a, in: database))
            #expect(rowsOfB == [0, 0, 0])
            #expect(rowsOfA == [1, 1, 1])

            let recorded = try await Self.purgeEvents(of: tenants.b, in: database)
            #expect(recorded.count == 1)
            let data = try #require(recorded.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.0.utf8)) as? [String: Any] })
            #expect(data["events"] as? Int == 1 && data["streams"] as? Int == 1 && data["snapshots"] as? Int == 1)
            #expect(data["checksum"] as? String == fingerprint.checksum)
            #expect(data["basis"] as? String == "moved")
            #expect(recorded.first?.1.contains("test:operator") == true)

            // Again: nothing left, nothing deleted, nothing recorded.
            let again = try await purge.purge(tenants.b, actor: "test:operator", reason: "moved to tenantry_t_b")
            #expect(again == PooledCopyPurge.Receipt(events: 0, streams: 0, snapshots: 0, checksum: fingerprint.checksum))
            let recordedAgain = try await Self.purgeEvents(of: tenants.b, in: database)
            #expect(recordedAgain.count == 1)
        }
    }

    @Test("an offboarded tenant retired with its export's fingerprint is purged as offboarded")
    func purgeAfterOffboardingExport() async throws {
        try await Self.withSeededTenants { database, tenants, application, operatorPool, fingerprint in
            let retired = try await PooledCopyRetirement(pool: operatorPool).retireOffboarded(tenants.b, exported: fingerprint)
            #expect(retired)
            // Retired: the pool takes no more of its events.
            await #expect(throws: EventStoreError.self) {
                try await EventLog(pool: application).append([try NewEvent(type: "Late", data: ["late": true])], to: "doc-2", tenant: tenants.b)
            }
            // The control plane must agree: until B's stream says it is offboarded, nothing goes.
            let purge = PooledCopyPurge(administrator: database.administratorConfiguration)
            let early = await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(tenants.b, actor: "test:operator", reason: "offboarded")
            }
            #expect(early?.description.contains("neither offboarded nor placed") == true)
            try await EventLog(pool: operatorPool).append(
                [try NewEvent(type: "TenantOffboarded", data: ["exportFile": "b.jsonl", "exportedEvents": "1"])],
                to: StreamName("tenant-" + tenants.b.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID)
            _ = try await purge.purge(tenants.b, actor: "test:operator", reason: "offboarded")
            let rowsOfB = try await Self.rows(of: tenants.b, in: database)
            #expect(rowsOfB == [0, 0, 0])
            let data = try await Self.purgeEvents(of: tenants.b, in: database).first?.0
            #expect(data?.contains(#""basis": "offboarded""#) == true)
        }
    }

    @Test("without a verified copy, or once the rows differ from it, nothing is purged")
    func refusals() async throws {
        try await RetiredTenantFixture.with { fixture in
            let purge = PooledCopyPurge(administrator: fixture.database.administratorConfiguration)
            // A was never retired.
            let unverified = await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(fixture.tenants.a, actor: "test", reason: "no copy")
            }
            #expect(unverified?.description.contains("no verified copy") == true)
            // B was retired, but the control plane does not place it in the database it moved to.
            let unplaced = await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(fixture.tenants.b, actor: "test", reason: "moved")
            }
            #expect(unplaced?.description.contains("neither offboarded nor placed") == true)
            // Placed there, B's rows still do not have the checksum it was retired against.
            try await fixture.operatorPool.query("""
                INSERT INTO tenantry.tenant_placements (tenant_id, isolation, database_name) VALUES (\(fixture.tenants.b), 'dedicated', 'tenantry_t_b')
                """)
            let mismatch = await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(fixture.tenants.b, actor: "test", reason: "moved")
            }
            #expect(mismatch?.description.contains("not the verified copy") == true)
            let noReason = await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(fixture.tenants.b, actor: "test", reason: " ")
            }
            #expect(noReason?.description.contains("a reason") == true)
            await #expect(throws: PooledCopyPurge.Refusal.self) {
                try await purge.purge(Self.controlPlane, actor: "test", reason: "everything")
            }
            let rowsOfA = try await Self.rows(of: fixture.tenants.a, in: fixture.database)
            let rowsOfB = try await Self.rows(of: fixture.tenants.b, in: fixture.database)
            let recorded = try await Self.purgeEvents(of: fixture.tenants.b, in: fixture.database)
            #expect(rowsOfA == [1, 1, 1])
            #expect(rowsOfB == [1, 1, 1])
            #expect(recorded.isEmpty)
        }
    }

    @Test("events stay append-only on every other path: the owner's own DELETE, even of a retired tenant, no role but the owner may purge, and no service may record a purge")
    func appendOnlyElsewhere() async throws {
        try await RetiredTenantFixture.with { fixture in
            let (database, tenants) = (fixture.database, fixture.tenants)
            for (tenant, label) in [(tenants.a, "a tenant not retired"), (tenants.b, "a retired tenant")] {
                let refused = await #expect(throws: PostgresError.self, "\(label)") {
                    try await PostgresConnection.withConnection(database.ownerConfiguration) { owner in
                        try await owner.transaction { connection in
                            _ = try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
                            _ = try connection.query("SELECT set_config('tenantry.purging', \(tenant.uuidString.lowercased()), true)")
                            _ = try connection.query("DELETE FROM tenantry.events WHERE tenant_id = \(tenant)")
                        }
                    }
                }
                // B is retired and the setting names it, but the owner is not inside purge_tenant:
                // deleting still needs the function, which checks the fingerprint first.
                #expect(refused?.sqlState?.rawValue == "TY002", "\(label)")
                let rows = try await Self.rows(of: tenant, in: database)
                #expect(rows == [1, 1, 1], "\(label)")
            }
            // Nor can any service record a purge that did not happen.
            let forged = await #expect(throws: EventStoreError.self) {
                try await EventLog(pool: fixture.operatorPool).append(
                    [try NewEvent(type: "TenantPooledEventsPurged", data: ["events": 1])],
                    to: StreamName("tenant-" + tenants.b.uuidString.lowercased()), tenant: EventLog.controlPlaneTenantID)
            }
            #expect("\(String(describing: forged))".contains("purge_tenant alone"))
            for configuration in [database.operatorConfiguration, database.applicationConfiguration] {
                let refused = await #expect(throws: PostgresError.self) {
                    try await PostgresConnection.withConnection(configuration) { connection in
                        try await connection.query(PooledCopyPurge.purgeStatement(tenants.b, actor: "test", reason: "sneaky"))
                    }
                }
                #expect(refused?.sqlState == .insufficientPrivilege)
            }
        }
    }
}
