import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Events are append-only")
struct AppendOnlyTests {
    static let statements: [String] = [
        "UPDATE tenantry.events SET event_type = 'Tampered'",
        "DELETE FROM tenantry.events",
        "TRUNCATE tenantry.events",
    ]

    @Test("tenantry_app may not UPDATE, DELETE or TRUNCATE events", arguments: statements)
    func applicationRoleRefused(_ statement: String) async throws {
        try await withEventStore { store, database async throws in
            try await store.append(TestEvents.events(1...2), to: "audit-1", tenant: UUID())
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement))
                }
                #expect(error?.sqlState == .insufficientPrivilege)
            }
            #expect(try await store.countAll() == 2)
        }
    }

    @Test("even the owner, in the tenant's context, is stopped by the trigger, with a clear message", arguments: statements)
    func ownerRefusedByTrigger(_ statement: String) async throws {
        try await withEventStore { store, database async throws in
            let tenant = UUID()
            try await store.append(TestEvents.events(1...2), to: "audit-1", tenant: tenant)
            try await PostgresConnection.withConnection(database.ownerConfiguration) { connection in
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.transaction { connection in
                        // Row-level security binds the owner too: without the tenant's context
                        // it would see (and so touch) no rows, and no row trigger would fire.
                        try connection.query("SELECT set_config('tenantry.tenant_id', \(tenant.uuidString.lowercased()), true)")
                        try connection.query(PostgresQuery(unsafeSQL: statement))
                    }
                }
                #expect(error?.sqlState == EventStoreError.Code.appendOnly)
                #expect(error?.message.contains("append-only") == true)
            }
            #expect(try await store.countAll() == 2)
        }
    }

    @Test("tenantry_app writes only through append_events: a direct INSERT, or a stream version change, is refused")
    func noDirectWrites() async throws {
        try await withEventStore { store, database async throws in
            try await store.append(TestEvents.events(1...2), to: "audit-1", tenant: UUID())
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let insert = await #expect(throws: PostgresError.self) {
                    try await connection.query("""
                        INSERT INTO tenantry.events (tenant_id, stream_name, stream_version, event_id, event_type, data, transaction_id)
                        VALUES (\(UUID()), 'audit-1', 7, \(UUID()), 'Forged', '{}', '1'::xid8)
                        """)
                }
                #expect(insert?.sqlState == .insufficientPrivilege)
                let rewind = await #expect(throws: PostgresError.self) {
                    try await connection.query("UPDATE tenantry.streams SET version = 1")
                }
                #expect(rewind?.sqlState == .insufficientPrivilege)
            }
            #expect(try await store.countAll() == 2)
        }
    }
}
