import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Synchronization
import Tenancy
import Tenantry
import TestSupport
import Testing

@Suite("Moving a tenant between cells online")
struct CellMoveTests {
    /// Event ids each writer had acknowledged, in order.
    final class Acknowledged: Sendable {
        private let ids = Mutex<[UUID]>([])
        private let refusals = Mutex(0)

        func add(_ id: UUID) { ids.withLock { $0.append(id) } }
        func refused() { refusals.withLock { $0 += 1 } }
        var all: [UUID] { ids.withLock { $0 } }
        var count: Int { ids.withLock { $0.count } }
    }

    @Test("writers appending throughout a move: every acknowledged event is in the new cell exactly once, none left in the old one")
    func moveWithWritersRunning() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@moving.example", organization: "Moving", cell: "main"), actor: "test").tenant
                let router = runtime.tenants.router
                // Some history before the move, with a data subject's personal field.
                try await router.withEventStore(for: tenant.id) { store in
                    for batch in 0..<20 {
                        try await store.append(
                            (0..<50).map { n in try NewEvent(type: "Seeded", dataJSON: #"{"n":\#(batch * 50 + n)}"#) },
                            to: "history-1", tenant: tenant.id)
                    }
                    try await store.append(
                        [try NewEvent(type: "Contacted", dataJSON: #"{"email":"a@example.com"}"#,
                                      personalData: try PersonalData(fields: ["email"], subject: "person-1"))],
                        to: "contact-1", tenant: tenant.id)
                }
                let acknowledged = Acknowledged()
                let stop = Gate()
                let writers = (0..<3).map { writer in
                    Task {
                        var version: Int64 = 0
                        while await !stop.opened {
                            let event = try NewEvent(type: "Written", dataJSON: #"{"writer":\#(writer)}"#)
                            let expected: ExpectedVersion = version == 0 ? .noStream : .exact(version)
                            try await router.withEventStore(for: tenant.id, patience: .seconds(120)) { store in
                                try await store.append([event], to: try StreamName("writer-\(writer)"), tenant: tenant.id, expectedVersion: expected)
                            }
                            version += 1
                            acknowledged.add(event.id)
                        }
                    }
                }
                try await waitUntil("the writers have written") { acknowledged.count >= 100 }
                let before = acknowledged.count
                let outcome = try await runtime.tenants.move(
                    tenant.slug, toCell: cell.name, actor: "test", reason: "rebalance", keepingSource: false)
                let during = acknowledged.count - before
                try await waitUntil("the writers have written in the new cell") { acknowledged.count >= before + during + 100 }
                await stop.open()
                for writer in writers { try await writer.value }

                #expect(outcome.moved && outcome.from == .main && outcome.to == cell.name)
                #expect(during > 0, "the writers appended while the tenant moved")
                #expect(outcome.rounds >= 2)
                guard case .success(let purge) = outcome.purge else {
                    Issue.record("the old copy was not purged: \(outcome.purge)")
                    return
                }
                #expect(purge.events == outcome.copiedEvents)
                #expect(try await runtime.tenants.placements.placement(of: tenant.id) == .pooled(cell: cell.name))
                #expect(try await runtime.tenants.tenant(tenant.slug).cell == "b")
                #expect(try await runtime.tenants.list(state: nil, plan: nil, cell: "b").map(\.id) == [tenant.id])

                // Every acknowledged event is in the new cell once; the old cell holds nothing of the tenant.
                let ids = acknowledged.all
                let found = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query("""
                        SELECT count(*), count(DISTINCT event_id) FROM tenantry.events
                        WHERE tenant_id = \(tenant.id) AND event_id = ANY (\(ids)::uuid[])
                        """).rows.first?.decode((Int, Int).self)
                }
                #expect(found?.0 == ids.count && found?.1 == ids.count)
                #expect(try await tenantsWithEvents(in: controlPlane).contains(tenant.id) == false)
                let store = try await router.eventStore(for: tenant.id)
                #expect(try await store.readStream("history-1", tenant: tenant.id, limit: 2000).count == 1000)
                // The personal field opens in the new cell with the copied key.
                let contact = try await store.readStream("contact-1", tenant: tenant.id)
                #expect(contact.first?.dataJSON.contains("a@example.com") == true)
                for writer in 0..<3 {
                    let versions = try await store.readStream(try StreamName("writer-\(writer)"), tenant: tenant.id, limit: 100_000).map(\.version)
                    #expect(versions == Array(1...Int64(versions.count)))
                }
                let history = try await runtime.tenants.history(of: tenant.slug).map(\.type)
                #expect(history.suffix(2) == ["TenantMovedBetweenCells", "TenantCellCopyPurged"])

                // And back again: the fence left in main is lifted once its copy is gone.
                let back = try await runtime.tenants.move(tenant.slug, toCell: .main, actor: "test", reason: "back", keepingSource: false)
                #expect(back.moved && back.copiedEvents == 1001 + Int64(ids.count))
                #expect(try await tenantsWithEvents(in: database).contains(tenant.id) == false)
                try await router.withEventStore(for: tenant.id) { store in
                    try await store.append([try NewEvent(type: "Home", dataJSON: "{}")], to: "home-1", tenant: tenant.id)
                }
            }
        }
    }

    @Test("a copy kept with --keep-source stays fenced; tenant purge verifies it (also when the move stopped before it did) and deletes it")
    func keptCopyIsPurgedLater() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, _ async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@kept.example", organization: "Kept", cell: "main"), actor: "test").tenant
                try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                    try await store.append((0..<30).map { try NewEvent(type: "Noted", dataJSON: #"{"n":\#($0)}"#) }, to: "doc-1", tenant: tenant.id)
                }
                let outcome = try await runtime.tenants.move(tenant.slug, toCell: cell.name, actor: "test", reason: "try", keepingSource: true)
                guard case .failure = outcome.purge else {
                    Issue.record("the kept copy was purged")
                    return
                }
                #expect(try await tenantsWithEvents(in: controlPlane).contains(tenant.id))
                // The old cell refuses the tenant's appends: it has moved.
                do {
                    try await runtime.eventStore.append([try NewEvent(type: "Stray", dataJSON: "{}")], to: "doc-1", tenant: tenant.id)
                    Issue.record("the old cell took an append of a moved tenant")
                } catch EventStoreError.tenantMoving(let message) {
                    #expect(message.contains("has moved to cell b"))
                }
                // As if the move had stopped right after its switch: nothing verified yet.
                try await PostgresConnection.withConnection(controlPlane.administratorConfiguration) { connection in
                    try await connection.query("UPDATE tenantry.tenant_fences SET event_count = NULL, checksum = NULL WHERE tenant_id = \(tenant.id)")
                }
                let purged = try #require(try await runtime.tenants.purgeLeftCellCopy(tenant.slug, actor: "test", reason: "cleanup"))
                #expect(purged.cell == .main && purged.receipt.events == 30)
                #expect(try await tenantsWithEvents(in: controlPlane).contains(tenant.id) == false)
                #expect(try await runtime.tenants.purgeLeftCellCopy(tenant.slug, actor: "test", reason: "again") == nil)
                #expect(try await runtime.tenants.router.eventStore(for: tenant.id).readStream("doc-1", tenant: tenant.id, limit: 100).count == 30)
            }
        }
    }

    @Test("a subject forgotten in the old cell after the copy (a forgetting that looked before the switch) is forgotten in the new one before the old copy goes")
    func forgettingRacingAMove() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@racing.example", organization: "Racing", cell: "main"), actor: "test").tenant
                try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                    try await store.append(
                        [try NewEvent(type: "Contacted", dataJSON: #"{"email":"p1@example.com"}"#,
                                      personalData: try PersonalData(fields: ["email"], subject: "person-1"))],
                        to: "contact-1", tenant: tenant.id)
                }
                _ = try await runtime.tenants.move(tenant.slug, toCell: cell.name, actor: "test", reason: "race", keepingSource: true)
                // The forgetting reached only the old cell (main), as one that looked before the switch would.
                _ = try await PersonalDataErasure(administrator: controlPlane.administratorConfiguration).forget(
                    tenant.id, subject: "person-1", actor: "test", reason: "erasure", recordingInControlPlane: false)
                let store = try await runtime.tenants.router.eventStore(for: tenant.id)
                #expect(try await store.readStream("contact-1", tenant: tenant.id).first?.erasedFields == [])

                _ = try #require(try await runtime.tenants.purgeLeftCellCopy(tenant.slug, actor: "test", reason: "cleanup"))
                #expect(try await store.readStream("contact-1", tenant: tenant.id).first?.erasedFields == ["email"])
                let live = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query(
                        "SELECT count(*) FROM tenantry.personal_data_keys WHERE tenant_id = \(tenant.id) AND subject IS NOT NULL AND material IS NOT NULL"
                    ).rows.first?.decode(Int.self)
                }
                #expect(live == 0)
            }
        }
    }

    @Test("a tenant placed in another cell moves to main, its own key the same in both (its registry history's)")
    func fromACellToMain() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, _ async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@far-home.example", organization: "Far Home", cell: "b"), actor: "test").tenant
                try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                    try await store.append(
                        [try NewEvent(type: "Profiled", dataJSON: #"{"name":"Ada"}"#, personalData: try PersonalData(fields: ["name"]))],
                        to: "profile-1", tenant: tenant.id)
                }
                let outcome = try await runtime.tenants.move(tenant.slug, toCell: .main, actor: "test", reason: "home", keepingSource: false)
                #expect(outcome.moved && outcome.from == cell.name)
                let read = try await runtime.tenants.router.eventStore(for: tenant.id).readStream("profile-1", tenant: tenant.id)
                #expect(read.first?.dataJSON.contains("Ada") == true)
                #expect(try await tenantsWithEvents(in: controlPlane).contains(tenant.id))
            }
        }
    }

    @Test("a move run again after one that stopped mid-copy reuses what was copied; events in the destination that are not the tenant's history stop it")
    func rerunAfterAPartialCopy() async throws {
        try await withTestRuntime { runtime, _ async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@partial.example", organization: "Partial", cell: "main"), actor: "test").tenant
                let events = try (0..<40).map { try NewEvent(type: "Noted", dataJSON: #"{"n":\#($0)}"#) }
                try await runtime.eventStore.append(events, to: "doc-1", tenant: tenant.id)
                // What a move that stopped after its first appends left in the destination: the
                // stream's first 15 events, the same ids.
                let destination = PostgresPool(configuration: database.applicationConfiguration, maximumConnections: 1)
                try await EventLog(pool: destination).append(Array(events.prefix(15)), to: "doc-1", tenant: tenant.id, expectedVersion: .noStream)
                let outcome = try await runtime.tenants.move(tenant.slug, toCell: cell.name, actor: "test", reason: "again", keepingSource: false)
                #expect(outcome.moved && outcome.copiedEvents == 40)
                let copied = try await runtime.tenants.router.eventStore(for: tenant.id).readStream("doc-1", tenant: tenant.id, limit: 100)
                #expect(copied.map(\.id) == events.map(\.id))

                // Another tenant's leftover in the destination that is not its history.
                let other = try await runtime.tenants.create(
                    SignupRequest(email: "owner@stray.example", organization: "Stray", cell: "main"), actor: "test").tenant
                try await runtime.eventStore.append([try NewEvent(type: "Real", dataJSON: "{}")], to: "doc-1", tenant: other.id)
                try await EventLog(pool: destination).append([try NewEvent(type: "Stray", dataJSON: "{}")], to: "doc-1", tenant: other.id)
                await destination.close()
                do {
                    _ = try await runtime.tenants.move(other.slug, toCell: cell.name, actor: "test", reason: "stray", keepingSource: false)
                    Issue.record("a move copied over events that are not the tenant's history")
                } catch let error as CellMoveError {
                    #expect(error.description.contains("that are not a part of its history"))
                }
                #expect(try await runtime.tenants.placements.placement(of: other.id) == .pooled(cell: .main))
                try await runtime.eventStore.append([try NewEvent(type: "StillHere", dataJSON: "{}")], to: "doc-1", tenant: other.id)
            }
        }
    }
}
