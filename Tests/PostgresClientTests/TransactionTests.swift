import PostgresClient
import TestSupport
import Testing

@Suite("Transactions")
struct TransactionTests {
    struct Boom: Error {}

    @Test("a transaction commits when its body returns and rolls back when it throws")
    func commitAndRollback() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE notes (body text)")
            }
            let pool = PostgresPool(configuration: database.administratorConfiguration, maximumConnections: 2)
            try await pool.transaction { connection in
                try connection.query("INSERT INTO notes VALUES (\("kept"))")
            }
            await #expect(throws: Boom.self) {
                try await pool.transaction { connection in
                    try connection.query("INSERT INTO notes VALUES (\("lost"))")
                    throw Boom()
                }
            }
            let bodies = try await pool.query("SELECT body FROM notes ORDER BY body").rows.map { try $0.decode(String.self) }
            #expect(bodies == ["kept"])
            // The connection that rolled back went back to the pool clean and is usable.
            #expect(try await pool.query("SELECT 1").rows.count == 1)
            await pool.close()
        }
    }

    @Test("a body that swallows a failed statement does not pass for a commit")
    func swallowedFailureIsNotACommit() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE notes (body text PRIMARY KEY)")
            }
            let pool = PostgresPool(configuration: database.administratorConfiguration, maximumConnections: 1)
            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction { connection in
                    try connection.query("INSERT INTO notes VALUES (\("first"))")
                    _ = try? connection.query("INSERT INTO notes VALUES (\("first"))")
                }
            }
            #expect(error?.message.contains("nothing was committed") == true)
            let count = try await pool.query("SELECT count(*) FROM notes").rows.first?.decode(Int.self)
            #expect(count == 0)
            await pool.close()
        }
    }
}
