import EventStore
import Foundation
import PostgresClient
import Tenancy
import TestSupport
import Testing

/// Two tenants with data in every tenant-owned table, for the isolation tests.
struct TwoTenants {
    let a = UUID()
    let b = UUID()

    func seed(_ store: EventLog, snapshots: SnapshotStore) async throws {
        for tenant in [a, b] {
            try await store.append(
                [try NewEvent(type: "Seeded", data: ["tenant": tenant.uuidString])],
                to: "doc-1", tenant: tenant
            )
            try await snapshots.save(stream: "doc-1", tenant: tenant, type: "doc.v1", version: 1, state: ["of": tenant.uuidString])
        }
    }

    /// Records tenant B's pooled copy as retired (moved to a database of its own), as
    /// `instance deploy` does once the copy is verified.
    func retireB(on operatorPool: PostgresPool) async throws {
        try await operatorPool.query("""
            INSERT INTO tenantry.retired_pooled_copies (tenant_id, moved_to, event_count, checksum)
            VALUES (\(b), 'tenantry_t_b', 1, \(String(repeating: "0", count: 64)))
            """)
    }
}

@Suite("Row-level security between tenants")
struct RowLevelSecurityTests {
    static let tables = ["tenantry.events", "tenantry.streams", "tenantry.snapshots"]

    @Test("as tenantry_app, each tenant-owned table shows only the context tenant's rows, and none without one",
          arguments: tables)
    func readsAreIsolated(_ table: String) async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenants = TwoTenants()
            try await tenants.seed(store, snapshots: SnapshotStore(pool: store.pool))
            let tenantDatabase = TenantDatabase(pool: store.pool)
            let countQuery = PostgresQuery(unsafeSQL: "SELECT tenant_id FROM \(table)")
            for tenant in [tenants.a, tenants.b] {
                let seen = try await TenantContext.run(as: tenant) {
                    try await tenantDatabase.transaction { connection in
                        try connection.query(countQuery).rows.map { try $0.decode(UUID.self) }
                    }
                }
                #expect(seen == [tenant], "\(table) under \(tenant)")
            }
            // No context: zero rows, not an error.
            let unscoped = try await store.pool.query(countQuery).rows.count
            #expect(unscoped == 0)
        }
    }

    @Test("a snapshot row for another tenant is refused by WITH CHECK")
    func writesAreIsolated() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let tenants = TwoTenants()
            let tenantDatabase = TenantDatabase(pool: store.pool)
            let error = await #expect(throws: PostgresError.self) {
                try await TenantContext.run(as: tenants.a) {
                    try await tenantDatabase.transaction { connection in
                        try connection.query("""
                            INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
                            VALUES (\(tenants.b), 'doc-1', 'doc.v1', 1, '{}')
                            """)
                    }
                }
            }
            #expect(error?.sqlState == .insufficientPrivilege)
            #expect(error?.message.contains("row-level security") == true)
        }
    }

    @Test("appending for another tenant inside a tenant's transaction is refused (TY007)")
    func appendForAnotherTenantRefused() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let tenants = TwoTenants()
            let tenantDatabase = TenantDatabase(pool: store.pool)
            let error = await #expect(throws: EventStoreError.self) {
                try await TenantContext.run(as: tenants.a) {
                    try await tenantDatabase.transaction { connection in
                        try store.append([try NewEvent(type: "Sneaky", dataJSON: "{}")], to: "doc-1", tenant: tenants.b, on: connection)
                    }
                }
            }
            guard case .database(let underlying) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(underlying.sqlState == EventStoreError.Code.tenantMismatch)
            #expect(try await store.readStream("doc-1", tenant: tenants.b).isEmpty)
        }
    }

    static let escapes: [String] = [
        "SET row_security = off",
        "ALTER TABLE tenantry.events DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON tenantry.events",
        "SET ROLE tenantry_owner",
        "SET ROLE tenantry_operator",
        "SET SESSION AUTHORIZATION postgres",
        "SELECT * FROM tenantry.append_control_events('tenant-1', NULL, '[{\"id\": \"5b3e4a8c-0000-4000-8000-000000000001\", \"type\": \"Forged\", \"data\": {}}]')",
        "SELECT * FROM tenantry.append_events_as_owner('00000000-0000-0000-0000-000000000000', 'tenant-1', NULL, '[]')",
        "SELECT count(*) FROM tenantry.checkpoints",
        "SELECT count(*) FROM tenantry.tenant_placements",
    ]

    @Test("raw SQL as tenantry_app cannot switch the rules off", arguments: escapes)
    func rawSQLCannotEscape(_ statement: String) async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenants = TwoTenants()
            try await tenants.seed(store, snapshots: SnapshotStore(pool: store.pool))
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let attempt = await #expect(throws: PostgresError.self) {
                    try await connection.transaction { connection in
                        try connection.query(PostgresQuery(unsafeSQL: statement))
                        // Were the statement allowed, this would now see other tenants' rows.
                        _ = try connection.query("SELECT count(*) FROM tenantry.events")
                    }
                }
                #expect(attempt?.sqlState == .insufficientPrivilege || attempt?.sqlState?.errorClass == "42")
                let visible = try await connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
                #expect(visible == 0)
            }
        }
    }

    @Test("a pooled connection reused across tenants never carries one tenant's setting into another's transaction")
    func pooledConnectionDoesNotLeak() async throws {
        try await withEventStore(role: .application, maximumConnections: 1) { store, _ async throws in
            let tenants = TwoTenants()
            try await tenants.seed(store, snapshots: SnapshotStore(pool: store.pool))
            let tenantDatabase = TenantDatabase(pool: store.pool)
            let backendA = try await TenantContext.run(as: tenants.a) {
                try await tenantDatabase.transaction { connection in try connection.backendProcessID() }
            }
            // The same (only) connection, outside any tenant transaction.
            let (backend, setting, visible) = try await store.pool.withConnection { connection in
                let row = try connection.query("""
                    SELECT pg_backend_pid(), current_setting('tenantry.tenant_id', true), (SELECT count(*) FROM tenantry.events)::int
                    """).rows[0]
                return try row.decode((Int32, String?, Int).self)
            }
            #expect(backend == backendA)
            #expect(setting == nil || setting == "")
            #expect(visible == 0)
            let seenByB = try await TenantContext.run(as: tenants.b) {
                try await tenantDatabase.transaction { connection in
                    try connection.query("SELECT tenant_id FROM tenantry.events").rows.map { try $0.decode(UUID.self) }
                }
            }
            #expect(seenByB == [tenants.b])
        }
    }

    @Test("tenant-scoped work without a tenant context is refused before any SQL runs")
    func noContextNoQuery() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let tenantDatabase = TenantDatabase(pool: store.pool)
            let error = await #expect(throws: TenancyError.self) {
                try await tenantDatabase.transaction { connection in try connection.query("SELECT 1") }
            }
            #expect(error?.description.contains("no tenant context") == true)
        }
    }

    @Test("the context travels into child tasks")
    func contextTravelsWithTheTask() async throws {
        let tenant = UUID()
        let seen = await TenantContext.run(as: tenant) {
            await withTaskGroup(of: UUID?.self) { group in
                for _ in 0..<4 { group.addTask { TenantContext.current?.tenantID } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(seen == Array(repeating: tenant, count: 4))
        #expect(TenantContext.current == nil)
    }

    @Test("the operator reads every tenant's events but cannot write tenant rows directly")
    func operatorReadsAll() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let tenants = TwoTenants()
            try await tenants.seed(store, snapshots: SnapshotStore(pool: store.pool))
            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                let count = try await connection.query("SELECT count(DISTINCT tenant_id) FROM tenantry.events").rows.first?.decode(Int.self)
                #expect(count == 2)
                // It writes the control plane's snapshots only (migration 0105): a tenant's are
                // neither deleted nor written, even in a transaction bound to that tenant.
                try await connection.query("DELETE FROM tenantry.snapshots")
                let snapshots = try await connection.query("SELECT count(*) FROM tenantry.snapshots").rows.first?.decode(Int.self)
                #expect(snapshots == 2)
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.transaction { connection in
                        try connection.query("SELECT set_config('tenantry.tenant_id', \(tenants.a.uuidString.lowercased()), true)")
                        try connection.query("""
                            INSERT INTO tenantry.snapshots (tenant_id, stream_name, snapshot_type, stream_version, state)
                            VALUES (\(tenants.a), 'doc-2', 'doc.v1', 1, '{}')
                            """)
                    }
                }
                #expect(error?.sqlState == .insufficientPrivilege)
            }
        }
    }

    @Test("tenantry_app can neither append to nor read the control plane, even naming its reserved id")
    func controlPlaneIsTheOperators() async throws {
        try await withEventStore(role: .application) { store, database async throws in
            let forged = await #expect(throws: EventStoreError.self) {
                try await store.append(
                    [try NewEvent(type: "APIKeyIssued", dataJSON: #"{"sha256": "attacker"}"#)],
                    to: "tenant-1", tenant: EventLog.controlPlaneTenantID
                )
            }
            guard case .database(let underlying) = forged else { Issue.record("got \(String(describing: forged))"); return }
            #expect(underlying.sqlState == .insufficientPrivilege)
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let viaFunction = await #expect(throws: PostgresError.self) {
                    try await connection.query("""
                        SELECT * FROM tenantry.append_events('00000000-0000-0000-0000-000000000000', 'tenant-1', NULL,
                            '[{"id": "5b3e4a8c-0000-4000-8000-000000000002", "type": "Forged", "data": {}}]')
                        """)
                }
                #expect(viaFunction?.sqlState == EventStoreError.Code.reservedTenant)
            }
            // The operator writes there; the app, even claiming the reserved id, sees none of it.
            try await PostgresConnection.withConnection(database.operatorConfiguration) { connection in
                try await connection.query("""
                    SELECT * FROM tenantry.append_control_events('tenant-1', NULL,
                        '[{"id": "5b3e4a8c-0000-4000-8000-000000000003", "type": "TenantRegistered", "data": {}}]')
                    """)
            }
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let seen = try await connection.transaction { connection in
                    try connection.query("SELECT set_config('tenantry.tenant_id', '00000000-0000-0000-0000-000000000000', true)")
                    return try connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
                }
                #expect(seen == 0)
            }
        }
    }
}
