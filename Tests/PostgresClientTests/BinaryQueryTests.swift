import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Queries with results in the binary format")
struct BinaryQueryTests {
    /// The sample rows with the series' bounds as parameters.
    private static func select(from first: Int, to last: Int) -> PostgresQuery {
        PostgresQuery(unsafeSQL: SampleRow.select("$1::int, $2::int"), bindings: [String(first), String(last)])
    }

    @Test("rows decode to what the text result gives, NULLs included, with the values as parameters")
    func agreesWithText() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                let fromText = try await connection.query(Self.select(from: -5, to: 2000)).rows.map { row throws(PostgresError) in try SampleRow(text: row) }
                var fromBinary: [SampleRow] = []
                let count = try await connection.queryBinary(Self.select(from: -5, to: 2000)) { fields throws(PostgresError) in
                    fromBinary.append(try SampleRow(binary: &fields))
                    #expect(fields.isAtEnd)
                }
                #expect(count == 2006)
                #expect(fromBinary == fromText)
                let none = try await connection.queryBinary(Self.select(from: 1, to: 0)) { _ throws(PostgresError) in
                    Issue.record("an empty result handed out a row")
                }
                #expect(none == 0)
            }
        }
    }

    @Test("a server error comes back with its SQLSTATE, a deadline cancels the statement, and the connection stays usable")
    func errorsAndDeadline() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                let division = await #expect(throws: PostgresError.self) {
                    try await connection.queryBinary("SELECT 1 / (\(0)::int)") { _ throws(PostgresError) in }
                }
                #expect(division?.sqlState?.rawValue == "22012")
                let late = await #expect(throws: PostgresError.self) {
                    try await connection.queryBinary("SELECT pg_sleep(30)", timeout: .milliseconds(200)) { _ throws(PostgresError) in }
                }
                #expect(late?.kind == .timedOut, "\(String(describing: late))")
                #expect(late?.sqlState == .queryCanceled)
                let wrongWidth = await #expect(throws: PostgresError.self) {
                    try await connection.queryBinary("SELECT 1::int4") { fields throws(PostgresError) in
                        _ = try fields.decodeNext(Int64.self)
                    }
                }
                #expect(wrongWidth?.message.contains("field 1") == true, "\(String(describing: wrongWidth))")
                let one = try await connection.query("SELECT 1").rows.first?.decode(Int.self)
                #expect(one == 1)
            }
        }
    }
}
