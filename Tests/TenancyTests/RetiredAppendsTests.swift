import EventStore
import Foundation
import PostgresClient
import Tenancy
import TestSupport
import Testing

@Suite("A retired pooled copy takes no more events")
struct RetiredAppendsTests {
    @Test("once a tenant's pooled copy is retired, single appends and staged batches to it are refused with a reason, nothing is written, and other tenants append as before")
    func retiredTenantIsRefused() async throws {
        try await RetiredTenantFixture.with { fixture in
            let (database, tenants, application, operatorPool, store) =
                (fixture.database, fixture.tenants, fixture.application, fixture.operatorPool, fixture.store)

            let single = [try NewEvent(type: "Written", data: ["n": 1])]
            let batch = try (1...(EventLog.stagedAppendThreshold + 4)).map { try NewEvent(type: "Written", data: ["n": $0]) }
            for (label, events, stream) in [("one event, existing stream", single, "doc-1"),
                                            ("one event, new stream", single, "doc-2"),
                                            ("a staged batch", batch, "doc-3")] {
                let refused = await #expect(throws: EventStoreError.self, "\(label)") {
                    try await store.append(events, to: StreamName(stream), tenant: tenants.b)
                }
                guard case .database(let underlying) = refused else {
                    Issue.record("\(label): got \(String(describing: refused))")
                    continue
                }
                #expect(underlying.sqlState == .insufficientPrivilege, "\(label)")
                #expect(underlying.message.contains("moved to a database of its own"), "\(label): \(underlying.message)")
            }

            // A retry of B's own seeded append (same id, type and data) is refused too, not
            // answered with the first append's result; so is the operator appending for B.
            let seeded = try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                try await admin.query("SELECT event_id, data::text FROM tenantry.events WHERE tenant_id = \(tenants.b)")
                    .rows.first?.decode((UUID, String).self)
            }
            let (seededID, seededData) = try #require(seeded)
            let retry = [try NewEvent(id: seededID, type: "Seeded", dataJSON: seededData)]
            let operatorStore = EventLog(pool: operatorPool)
            for (label, store) in [("the application's retry", store), ("the operator", operatorStore)] {
                let refused = await #expect(throws: EventStoreError.self, "\(label)") {
                    try await store.append(retry, to: "doc-1", tenant: tenants.b)
                }
                guard case .database(let underlying) = refused else {
                    Issue.record("\(label): got \(String(describing: refused))")
                    continue
                }
                #expect(underlying.message.contains("moved to a database of its own"), "\(label): \(underlying.message)")
            }

            // The readers still see nothing of B in the pool, its stream rows included.
            let tenantDatabase = TenantDatabase(pool: application)
            let seenByB = try await TenantContext.run(as: tenants.b) {
                try await tenantDatabase.transaction { connection in
                    try connection.query("SELECT (SELECT count(*) FROM tenantry.events) + (SELECT count(*) FROM tenantry.streams)")
                        .rows.first?.decode(Int.self)
                }
            }
            #expect(seenByB == 0)
            let operatorSees = try await operatorPool.query("""
                SELECT (SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenants.b))
                     + (SELECT count(*) FROM tenantry.streams WHERE tenant_id = \(tenants.b))
                """).rows.first?.decode(Int.self)
            #expect(operatorSees == 0)

            // Nothing of B's changed: still its one seeded event and stream, as the superuser sees.
            try await PostgresConnection.withConnection(database.administratorConfiguration) { admin in
                let events = try await admin.query("SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenants.b)").rows.first?.decode(Int.self)
                #expect(events == 1)
                let streams = try await admin.query(
                    "SELECT string_agg(stream_name || ':' || version, ',') FROM tenantry.streams WHERE tenant_id = \(tenants.b)"
                ).rows.first?.decode(String.self)
                #expect(streams == "doc-1:1")
            }
            // A is not retired: both paths still append.
            let appended = try await store.append(single, to: "doc-1", tenant: tenants.a)
            #expect(appended.streamVersion == 2)
            let staged = try await store.append(batch, to: "doc-3", tenant: tenants.a)
            #expect(staged.streamVersion == Int64(batch.count))
        }
    }
}
