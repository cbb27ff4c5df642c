import EventStore
import Foundation
import PostgresClient
import Schema
import Tenancy
import TestSupport
import Testing

@Suite("Fencing a tenant in a cell")
struct TenantFenceTests {
    static func event(_ type: String = "Noted") throws -> NewEvent {
        try NewEvent(type: type, dataJSON: #"{"n":1}"#)
    }

    @Test("a fence waits for the tenant's append in flight (others are not held), and every later append is refused as moving")
    func fenceWaitsForAppendsInFlight() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let (moving, other) = (UUID(), UUID())
            let fence = TenantFence(administrator: database.administratorConfiguration)
            try await store.append([try Self.event()], to: "doc-1", tenant: moving)
            let appended = Gate()
            let release = Gate()
            // An append of the moving tenant whose transaction stays open: it holds the
            // tenant's shared lock until it commits.
            let inFlight = Task {
                try await store.inTenant(moving) { connection in
                    try store.append([try Self.event("InFlight")], to: "doc-1", tenant: moving, on: connection)
                    await appended.open()
                    await release.wait()
                }
            }
            await appended.wait()
            // The fence waits for the append as long as the test holds it (on a loaded machine the
            // default 10 s may pass before the second append queues).
            let fencing = Task { try await fence.fence(moving, movingTo: try CellName("b"), lockTimeout: .seconds(600)) }
            try await waitUntil("the fence waits for the append's lock") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 727500 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    ).rows.first?.decode(Int.self) == 1
                }
            }
            // An append that comes while the fence waits queues behind it, then meets the fence.
            let queued = Task { () -> String in
                do {
                    try await store.append([try Self.event("Queued")], to: "doc-3", tenant: moving)
                    return "taken"
                } catch EventStoreError.tenantMoving {
                    return "refused as moving"
                }
            }
            try await waitUntil("the second append waits behind the fence") {
                try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                    try await connection.query(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 727500 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    ).rows.first?.decode(Int.self) == 2
                }
            }
            // Another tenant's appends do not wait for the fence.
            try await store.append([try Self.event()], to: "doc-1", tenant: other)
            #expect(try await !fence.isFenced(moving))
            await release.open()
            try await inFlight.value
            try await fencing.value
            #expect(try await fence.isFenced(moving))
            await #expect(throws: EventStoreError.self) {
                try await store.append([try Self.event()], to: "doc-2", tenant: moving)
            }
            #expect(try await queued.value == "refused as moving", "an append that came while the fence waited")
            do {
                try await store.append([try Self.event()], to: "doc-1", tenant: moving)
                Issue.record("an append of a fenced tenant was taken")
            } catch let error as EventStoreError {
                guard case .tenantMoving(let message) = error else { throw error }
                #expect(message.contains("is moving to cell b"))
            }
            // The append that was in flight when the fence came is kept.
            #expect(try await store.readStream("doc-1", tenant: moving).map(\.type) == ["Noted", "InFlight"])
            try await store.append([try Self.event()], to: "doc-1", tenant: other)
        }
    }

    @Test("a purge needs the verified copy's fingerprint and deletes events, streams, snapshots and subject keys; a fence lifts once nothing is left")
    func purgeAndLift() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenant = UUID()
            let fence = TenantFence(administrator: database.administratorConfiguration)
            let personal = try NewEvent(
                type: "Contacted", dataJSON: #"{"email":"a@example.com"}"#, personalData: try PersonalData(fields: ["email"], subject: "person-1"))
            try await store.append([try Self.event(), personal], to: "doc-1", tenant: tenant)
            let operatorPool = PostgresPool(configuration: database.operatorConfiguration, maximumConnections: 2)
            let fingerprint = try await TenantEventsFingerprint.of(tenant, on: operatorPool)
            await operatorPool.close()

            await #expect(throws: TenantFence.Refusal.self) { try await fence.purge(tenant, actor: "test", reason: "not fenced") }
            try await fence.fence(tenant, movingTo: try CellName("b"))
            await #expect(throws: TenantFence.Refusal.self) { try await fence.purge(tenant, actor: "test", reason: "not verified") }
            // While events are here, only a move abandoned before its switch lifts the fence.
            await #expect(throws: TenantFence.Refusal.self) { try await fence.lift(tenant) }
            #expect(try await fence.lift(tenant, placedHere: true))
            try await fence.fence(tenant, movingTo: try CellName("b"))

            try await fence.recordVerifiedCopy(tenant, TenantEventsFingerprint(count: fingerprint.count, checksum: String(repeating: "0", count: 64)))
            do {
                _ = try await fence.purge(tenant, actor: "test", reason: "wrong checksum")
                Issue.record("purged against another fingerprint")
            } catch let refusal as TenantFence.Refusal {
                #expect(refusal.description.contains("are not the copy verified in cell b"))
            }
            // A verified copy means the move switched: the fence no longer lifts with events here.
            await #expect(throws: TenantFence.Refusal.self) { try await fence.lift(tenant, placedHere: true) }
            try await fence.recordVerifiedCopy(tenant, fingerprint)
            let receipt = try await fence.purge(tenant, actor: "test", reason: "moved")
            #expect(receipt.events == 2 && receipt.streams == 1 && receipt.keys == 1)
            #expect(try await fence.purge(tenant, actor: "test", reason: "again").events == 0)
            let left = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("""
                    SELECT (SELECT count(*) FROM tenantry.events WHERE tenant_id = \(tenant))
                         + (SELECT count(*) FROM tenantry.streams WHERE tenant_id = \(tenant))
                         + (SELECT count(*) FROM tenantry.personal_data_keys WHERE tenant_id = \(tenant))
                    """).rows.first?.decode(Int.self)
            }
            #expect(left == 0)
            #expect(try await fence.lift(tenant))
            try await store.append([try Self.event()], to: "doc-1", tenant: tenant)
        }
    }

    @Test("an offboarding fence refuses appends as a retired copy does (42501), not as a move")
    func offboardedFence() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenant = UUID()
            try await store.append([try Self.event()], to: "doc-1", tenant: tenant)
            try await TenantFence(administrator: database.administratorConfiguration).fence(tenant, movingTo: nil)
            do {
                try await store.append([try Self.event()], to: "doc-1", tenant: tenant)
                Issue.record("an offboarded tenant's append was taken")
            } catch let error as EventStoreError {
                guard case .database(let underlying) = error else { throw error }
                #expect(underlying.sqlState?.rawValue == "42501")
                #expect(underlying.message.contains("is offboarded"))
            }
        }
    }

    @Test("a tenant's append outside READ COMMITTED is refused: its snapshot could miss a fence")
    func appendsRunInReadCommitted() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let tenant = UUID()
            for isolation in [TransactionIsolation.repeatableRead, .serializable] {
                do {
                    try await store.pool.transaction(isolation: isolation) { connection in
                        try store.bind(tenant: tenant, on: connection)
                        try store.append([try Self.event()], to: "doc-1", tenant: tenant, on: connection)
                    }
                    Issue.record("an append in \(isolation) was taken")
                } catch let error as EventStoreError {
                    guard case .database(let underlying) = error else { throw error }
                    #expect(underlying.sqlState?.rawValue == "0A000")
                    #expect(underlying.message.contains("READ COMMITTED"))
                }
            }
            try await store.append([try Self.event()], to: "doc-1", tenant: tenant)
        }
    }
}
