import PostgresClient
import Schema
import TestSupport
import Testing

@Suite("What each role may do")
struct PrivilegeTests {
    @Test("the application role may read events and append through append_events, never write the table itself")
    func applicationCannotChangeEvents() async throws {
        try await withTestDatabase { database async throws in
            let privileges = try await tablePrivileges(of: DatabaseRoles.application, on: "tenantry.events", in: database)
            #expect(privileges == ["SELECT"])
            #expect(try await mayExecute(DatabaseRoles.application, "tenantry.append_events(uuid, text, bigint, jsonb)", in: database))
        }
    }

    @Test("the application, operator and instance roles may call read_feed, which runs with the caller's rights")
    func readFeedGrants() async throws {
        try await withTestDatabase { database async throws in
            let function = "tenantry.read_feed(xid8, bigint, integer, uuid, text[])"
            for role in [DatabaseRoles.application, DatabaseRoles.operator, DatabaseRoles.instance] {
                #expect(try await mayExecute(role, function, in: database), "\(role)")
            }
            let (securityDefiner, publicMayExecute) = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("""
                    SELECT p.prosecdef,
                           EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0)
                    FROM pg_proc p WHERE p.oid = to_regprocedure(\(function))
                    """).rows.first?.decode((Bool, Bool).self) ?? (true, true)
            }
            #expect(!securityDefiner)
            #expect(!publicMayExecute)
        }
    }

    @Test("the instance group keeps what it had: it reads events, no checkpoints, and appends to no tenant here")
    func instanceGroupUnchanged() async throws {
        try await withTestDatabase { database async throws in
            #expect(try await tablePrivileges(of: DatabaseRoles.instance, on: "tenantry.events", in: database) == ["SELECT"])
            #expect(try await tablePrivileges(of: DatabaseRoles.instance, on: "tenantry.checkpoints", in: database) == [])
            #expect(try await !mayExecute(DatabaseRoles.instance, "tenantry.append_events(uuid, text, bigint, jsonb)", in: database))
        }
    }

    private func tablePrivileges(of role: String, on table: String, in database: TestDatabase) async throws -> [String] {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query("""
                SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p
                WHERE has_table_privilege(\(role), \(table), p)
                """).rows.map { try $0.decode(String.self) }
        }
    }

    private func mayExecute(_ role: String, _ function: String, in database: TestDatabase) async throws -> Bool {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query("SELECT has_function_privilege(\(role), \(function), 'EXECUTE')")
                .rows.first?.decode(Bool.self) ?? false
        }
    }
}
