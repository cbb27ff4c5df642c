import EventStore
import Foundation
import PostgresClient
import Provisioning
import RuntimeTestSupport
import Tenancy
import Tenantry
import TestSupport
import Testing

/// A second migrated database of the test cluster, added as cell `b` of the runtime's control plane.
func withSecondCell<Value: Sendable>(
    _ runtime: TenantryRuntime, named name: String = "b", _ body: (Cell, TestDatabase) async throws -> Value
) async throws -> Value {
    let database = try await TestDatabase.create()
    do {
        let cell = try await runtime.cells.add(
            try CellName(name), location: try CellLocation("database:\(database.name)"), capacity: nil, state: .open,
            migrating: true, actor: "test", reason: nil)
        let value = try await body(cell, database)
        await runtime.tenants.router.shutdown()
        try await database.drop()
        return value
    } catch {
        await runtime.tenants.router.shutdown()
        try? await database.drop()
        throw error
    }
}

/// The tenants whose events a database holds, read as its superuser.
func tenantsWithEvents(in database: TestDatabase) async throws -> Set<UUID> {
    try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
        Set(try await connection.query("SELECT DISTINCT tenant_id FROM tenantry.events WHERE tenant_id <> '00000000-0000-0000-0000-000000000000'")
            .rows.map { try $0.decode(UUID.self) })
    }
}

@Suite("Cells: recorded, placed into, routed to")
struct CellTests {
    @Test("a cell is added migrated and identified, recorded as events; names, locations and databases are taken once; main stays")
    func cellsAsData() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                #expect(cell.name.rawValue == "b" && cell.state == .open && cell.tenants == 0 && cell.identity != nil)
                #expect(try await runtime.cells.list().map(\.name.rawValue) == ["b", "main"])
                await #expect(throws: CellError.conflict("cell b exists already (at database:\(database.name))")) {
                    try await runtime.cells.add(try CellName("b"), location: try CellLocation("database:\(database.name)"),
                                                capacity: nil, state: .open, migrating: true, actor: "test", reason: nil)
                }
                await #expect(throws: CellError.conflict("database:\(database.name) is cell b already")) {
                    try await runtime.cells.add(try CellName("c"), location: try CellLocation("database:\(database.name)"),
                                                capacity: nil, state: .open, migrating: true, actor: "test", reason: nil)
                }
                await #expect(throws: CellError.conflict("database:\(controlPlane.name) is the control plane's own database, which is cell main")) {
                    try await runtime.cells.add(try CellName("c"), location: try CellLocation("database:\(controlPlane.name)"),
                                                capacity: nil, state: .open, migrating: true, actor: "test", reason: nil)
                }
                let registry = runtime.cells.registry
                #expect(try await registry.changeState(cell.name, to: .draining, actor: "test", reason: "maintenance").state == .draining)
                #expect(try await registry.changeState(cell.name, to: .draining, actor: "test", reason: nil).state == .draining)
                #expect(try await registry.changeCapacity(cell.name, to: 10, actor: "test", reason: nil).capacity == 10)
                await #expect(throws: CellError.self) { try await registry.remove(.main, actor: "test", reason: nil) }
                let types = try await runtime.operatorEventStore.readStream(
                    CellEvent.stream(cell.name), tenant: EventLog.controlPlaneTenantID).map(\.type)
                #expect(types == ["CellAdded", "CellStateChanged", "CellCapacityChanged"])
                try await registry.remove(cell.name, actor: "test", reason: "done")
                #expect(try await runtime.cells.list().map(\.name.rawValue) == ["main"])
            }
        }
    }

    @Test("new tenants go to the open cell with the fewest; --cell overrides; a draining cell takes none; a cell with tenants stays")
    func placementAndRouting() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                func create(_ name: String, cell: String? = nil) async throws -> TenantState {
                    try await runtime.tenants.create(
                        SignupRequest(email: "owner@\(name).example", organization: name, cell: cell), actor: "test").tenant
                }
                // Both empty: the tie goes to b (first by name), then main has fewer.
                let first = try await create("First")
                let second = try await create("Second")
                #expect(first.cell == "b" && second.cell == "main")
                #expect(try await runtime.tenants.placements.placement(of: first.id) == .pooled(cell: cell.name))
                let named = try await create("Named", cell: "b")
                #expect(named.cell == "b")
                _ = try await runtime.cells.registry.changeState(cell.name, to: .draining, actor: "test", reason: nil)
                #expect(try await create("Third").cell == "main")
                await #expect(throws: CellError.conflict("cell b is draining: it takes no new tenants")) {
                    _ = try await create("Refused", cell: "b")
                }
                await #expect(throws: CellError.notFound("nowhere")) { _ = try await create("Nowhere", cell: "nowhere") }
                await #expect(throws: CellError.conflict("cell b holds 2 tenants: move them out first (tenant move --to-cell)")) {
                    try await runtime.cells.registry.remove(cell.name, actor: "test", reason: nil)
                }

                // The registry lists a cell's tenants.
                #expect(Set(try await runtime.tenants.list(state: nil, plan: nil, cell: "b").map(\.id)) == [first.id, named.id])
                #expect(try await runtime.tenants.list(state: nil, plan: nil, cell: "main").map(\.cell).allSatisfy { $0 == "main" })

                // Each tenant's events go to its own cell's database only.
                for tenant in [first, second, named] {
                    try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                        try await store.append([try NewEvent(type: "Noted", dataJSON: "{}")], to: "doc-1", tenant: tenant.id)
                    }
                }
                #expect(try await tenantsWithEvents(in: database) == [first.id, named.id])
                #expect(try await tenantsWithEvents(in: controlPlane) == [second.id])
                #expect(try await runtime.tenants.router.eventStore(for: first.id).readStream("doc-1", tenant: first.id).count == 1)
            }
        }
    }
}

@Suite("A tenant's lifecycle in a cell of its own")
struct CellLifecycleTests {
    @Test("forgetting destroys the tenant's keys in its cell; offboarding exports its events, fences and purges its rows there")
    func forgetAndOffboardInACell() async throws {
        try await withTestRuntime { runtime, _ async throws in
            try await withSecondCell(runtime) { cell, database async throws in
                let tenant = try await runtime.tenants.create(
                    SignupRequest(email: "owner@far.example", organization: "Far", cell: "b"), actor: "test").tenant
                try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                    try await store.append(
                        [try NewEvent(type: "Contacted", dataJSON: #"{"email":"a@example.com"}"#,
                                      personalData: try PersonalData(fields: ["email"], subject: "person-1")),
                         try NewEvent(type: "Noted", dataJSON: #"{"n":1}"#)],
                        to: "contact-1", tenant: tenant.id)
                }
                func liveKeys() async throws -> Int {
                    try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                        try await connection.query(
                            "SELECT count(*) FROM tenantry.personal_data_keys WHERE tenant_id = \(tenant.id) AND subject IS NOT NULL AND material IS NOT NULL"
                        ).rows.first?.decode(Int.self) ?? -1
                    }
                }
                #expect(try await liveKeys() == 1)
                let forgotten = try await runtime.tenants.forget(tenant.slug, subject: "person-1", actor: "test", reason: "erasure request")
                #expect(forgotten.keys >= 1)
                #expect(try await liveKeys() == 0)
                let read = try await runtime.tenants.router.eventStore(for: tenant.id).readStream("contact-1", tenant: tenant.id)
                #expect(read.first?.erasedFields == ["email"])

                let path = FileManager.default.temporaryDirectory.appendingPathComponent("far-\(UUID().uuidString).jsonl").path
                defer { try? FileManager.default.removeItem(atPath: path) }
                let outcome = try await runtime.tenants.offboard(tenant.slug, exportTo: path, actor: "test", reason: "contract ended")
                #expect(outcome.tenant.status == .offboarded)
                guard case .purged(let receipt) = outcome.pooledRows else {
                    Issue.record("the cell's rows were not purged: \(outcome.pooledRows)")
                    return
                }
                #expect(receipt.events == 2)
                #expect(try await tenantsWithEvents(in: database).contains(tenant.id) == false)
                let exported = try String(contentsOfFile: path, encoding: .utf8)
                #expect(exported.contains("\"Noted\""))
                // It is placed back in main, retired there: no database takes its events, and the
                // cell holds nothing of it.
                #expect(try await runtime.tenants.placements.placement(of: tenant.id) == .pooled(cell: .main))
                #expect(try await runtime.cells.list().first { $0.name == cell.name }?.tenants == 0)
                await #expect(throws: EventStoreError.self) {
                    try await runtime.tenants.router.eventStore(for: tenant.id).append(
                        [try NewEvent(type: "Late", dataJSON: "{}")], to: "contact-1", tenant: tenant.id)
                }
                await #expect(throws: EventStoreError.self) {
                    try await runtime.tenants.router.withEventStore(for: tenant.id) { store in
                        try await store.append([try NewEvent(type: "Late", dataJSON: "{}")], to: "contact-2", tenant: tenant.id)
                    }
                }
            }
        }
    }
}

@Suite("What a new cell must be")
struct CellAdmissionTests {
    @Test("the template dedicated databases are copied from, a dedicated tenant's database and the cluster's own are refused as cells, before anything is made or migrated", arguments: [
        "tenantry_template", "tenantry_t_acme_corp", "postgres", "template1",
    ])
    func reservedDatabases(_ name: String) async throws {
        try await withTestRuntime { runtime, _ async throws in
            await #expect(throws: CellError.invalidInput("database \(name) is the platform's or a dedicated tenant's, never a cell")) {
                try await runtime.cells.add(
                    try CellName("reserved"), location: try CellLocation("database:\(name)"), capacity: nil, state: .open,
                    migrating: false, actor: "test", reason: nil)
            }
        }
    }

    @Test("a database that holds events already (a dedicated tenant's, another installation's) is refused as a cell")
    func aCellStartsEmpty() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let used = try await TestDatabase.create()
            do {
                let pool = PostgresPool(configuration: used.applicationConfiguration, maximumConnections: 1)
                try await EventLog(pool: pool).append([try NewEvent(type: "Noted", dataJSON: "{}")], to: "doc-1", tenant: UUID())
                await pool.close()
                await #expect(throws: CellError.conflict("database:\(used.name) holds events already: a cell starts as an empty, migrated database")) {
                    try await runtime.cells.add(
                        try CellName("used"), location: try CellLocation("database:\(used.name)"), capacity: nil, state: .open,
                        migrating: true, actor: "test", reason: nil)
                }
                #expect(try await runtime.cells.list().map(\.name.rawValue) == ["main"])
                try await used.drop()
            } catch {
                try? await used.drop()
                throw error
            }
        }
    }
}

@Suite("Counting a cell's tenants")
struct CellCountTests {
    @Test("concurrent signups and a move leave each cell's count equal to its placements")
    func countsFollowPlacements() async throws {
        try await withTestRuntime { runtime, controlPlane async throws in
            try await withSecondCell(runtime) { cell, _ async throws in
                let created = try await withThrowingTaskGroup(of: TenantState.self) { group in
                    for index in 0..<12 {
                        group.addTask {
                            try await runtime.tenants.create(
                                SignupRequest(email: "owner\(index)@count.example", organization: "Count \(index)"), actor: "test").tenant
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                func counts() async throws -> (recorded: [String: Int], placed: [String: Int]) {
                    let recorded = Dictionary(uniqueKeysWithValues: try await runtime.cells.list().map { ($0.name.rawValue, $0.tenants) })
                    let placed = try await PostgresConnection.withConnection(controlPlane.administratorConfiguration) { connection in
                        Dictionary(uniqueKeysWithValues: try await connection.query(
                            "SELECT cell, count(*)::bigint FROM tenantry.tenant_placements WHERE cell IS NOT NULL GROUP BY cell"
                        ).rows.map { try $0.decode((String, Int).self) })
                    }
                    // A cell holding none has no placement row to count.
                    return (recorded, recorded.mapValues { _ in 0 }.merging(placed) { $1 })
                }
                let afterSignups = try await counts()
                #expect(afterSignups.recorded == afterSignups.placed)
                #expect(afterSignups.placed.values.reduce(0, +) == 12)

                let mover = try #require(created.first { $0.cell == "main" } ?? created.first)
                let moverCell = try #require(mover.cell)
                let destination: CellName = moverCell == "main" ? cell.name : .main
                _ = try await runtime.tenants.move(mover.slug, toCell: destination, actor: "test", reason: "count", keepingSource: false)
                let afterMove = try await counts()
                #expect(afterMove.recorded == afterMove.placed)
                #expect(afterMove.placed[destination.rawValue] == (afterSignups.placed[destination.rawValue] ?? 0) + 1)
                #expect(afterMove.placed[moverCell] == (afterSignups.placed[moverCell] ?? 0) - 1)
            }
        }
    }
}
