import Foundation
@testable import PostgresClient
import TestSupport
import Testing

@Suite("Parameterised queries and typed rows")
struct QueryTests {
    @Test("interpolated values travel as parameters, never as SQL text")
    func interpolationBindsValues() async throws {
        let hostile = "'); DROP TABLE pg_class; --"
        let query: PostgresQuery = "SELECT \(hostile)::text AS value, \(42)::int AS answer"
        #expect(query.sql == "SELECT $1::text AS value, $2::int AS answer")
        #expect(query.bindings == [hostile, "42"])

        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let row = try #require(try await connection.query(query).rows.first)
                let (value, answer) = try row.decode((String, Int).self)
                #expect(value == hostile)
                #expect(answer == 42)
            }
        }
    }

    @Test("rows decode into typed tuples, NULL into optionals, arrays and timestamps exactly")
    func typedDecoding() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let id = UUID()
                let instant = Date(timeIntervalSince1970: 1_764_057_296.123456)
                let row = try #require(try await connection.query("""
                    SELECT \(id)::uuid, \(Int64.max)::bigint, true, NULL::text, \(2.5)::float8,
                           ARRAY[1,2,3]::bigint[], \(instant)::timestamptz, ARRAY['a b','c"d',NULL]::text[]
                    """).rows.first)
                let (uuid, big, flag, missing, real, numbers, time, texts) =
                    try row.decode((UUID, Int64, Bool, String?, Double, [Int64], Date, [String?]).self)
                #expect(uuid == id)
                #expect(big == .max)
                #expect(flag)
                #expect(missing == nil)
                #expect(real == 2.5)
                #expect(numbers == [1, 2, 3])
                #expect(abs(time.timeIntervalSince(instant)) < 0.000_002)
                #expect(texts == ["a b", "c\"d", nil])
            }
        }
    }

    @Test("decoding NULL into a non-optional fails with a message naming the column")
    func nullIntoNonOptionalFails() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                let row = try #require(try await connection.query("SELECT NULL::int AS count").rows.first)
                let error = #expect(throws: PostgresError.self) { try row.decode(column: 0, as: Int.self) }
                #expect(error?.kind == .decoding)
                #expect(error?.message.contains("NULL") == true)
                let named = #expect(throws: PostgresError.self) { try row.decode(column: "count", as: Int.self) }
                #expect(named?.message.contains("count") == true)
            }
        }
    }

    @Test("a server error carries SQLSTATE, message, detail and constraint")
    func serverErrorFields() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE things (id int PRIMARY KEY); INSERT INTO things VALUES (1);")
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.query("INSERT INTO things VALUES (\(1))")
                }
                #expect(error?.sqlState == .uniqueViolation)
                #expect(error?.constraint == "things_pkey")
                #expect(error?.detail?.contains("(id)=(1)") == true)
                #expect(error?.description.contains("23505") == true)
            }
        }
    }

    @Test("a connection string libpq cannot use fails with its reason")
    func badConnectionString() async throws {
        let error = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(PostgresConfiguration(connectionString: "host=/nonexistent/socket dbname=x"))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("/nonexistent/socket") == true)

        let malformed = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(PostgresConfiguration(connectionString: "postgresql://[bad"))
        }
        #expect(malformed?.message.contains("invalid database URL") == true)
    }

    @Test("libpq calls run on the connection's own thread, not on Swift's cooperative pool")
    func callsRunOnDedicatedThread() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.applicationConfiguration) { connection in
                #expect(await connection.isOnDedicatedThread())
                try await connection.query("SELECT 1")
                #expect(await connection.isOnDedicatedThread())
            }
        }
    }
}
