import EventStore
import Foundation
import PostgresClient
import Tenancy
import TestSupport
import Testing

@Suite("Which tenants moved to a database of their own is not a tenant's to see")
struct RetiredCopiesPrivacyTests {
    @Test("a tenant session sees no other tenant's retired copy, and none without a tenant; its own pooled rows stay hidden")
    func retiredCopiesArePrivate() async throws {
        try await RetiredTenantFixture.with { fixture in
            let (tenants, application, operatorPool) = (fixture.tenants, fixture.application, fixture.operatorPool)
            let listQuery: PostgresQuery = "SELECT tenant_id FROM tenantry.retired_pooled_copies"
            let tenantDatabase = TenantDatabase(pool: application)

            let seenByA = try await TenantContext.run(as: tenants.a) {
                try await tenantDatabase.transaction { connection in
                    try connection.query(listQuery).rows.map { try $0.decode(UUID.self) }
                }
            }
            #expect(seenByA.isEmpty, "tenant A listed another tenant's move")
            #expect(try await application.query(listQuery).rows.isEmpty, "a session without a tenant listed moves")

            // B's own pooled rows are still hidden from B (the policies can still ask the table).
            let bEvents = try await TenantContext.run(as: tenants.b) {
                try await tenantDatabase.transaction { connection in
                    try connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
                }
            }
            #expect(bEvents == 0)
            // A's are not.
            let aEvents = try await TenantContext.run(as: tenants.a) {
                try await tenantDatabase.transaction { connection in
                    try connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
                }
            }
            #expect(aEvents == 1)
            // The operator still sees every move.
            #expect(try await operatorPool.query(listQuery).rows.count == 1)
        }
    }
}
