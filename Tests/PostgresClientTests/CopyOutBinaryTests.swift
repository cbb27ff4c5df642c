import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("COPY TO STDOUT in the binary format")
struct CopyOutBinaryTests {
    private static let select = SampleRow.select("-5, 2000")

    @Test("every kind decodes to what the text format gives, NULL included, from before 2000 too")
    func agreesWithText() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                let fromText = try await connection.query(PostgresQuery(stringLiteral: Self.select)).rows.map { row throws(PostgresError) in try SampleRow(text: row) }
                let fromBinary = try await Self.readBinary("COPY (\(Self.select)) TO STDOUT (FORMAT binary)", on: connection)
                #expect(fromBinary.count == 2006)
                #expect(fromBinary == fromText)
            }
        }
    }

    @Test("a text COPY, a type of the wrong width and an infinite timestamp are refused with the field; the connection stays usable")
    func refusesWhatItCannotRead() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                await #expect(throws: PostgresError.self) {
                    try await Self.readBinary("COPY (SELECT 1::int8) TO STDOUT", on: connection)
                }
                let wrongWidth = await Self.firstFailure("COPY (SELECT 1::int8, 2::int4) TO STDOUT (FORMAT binary)", on: connection) { fields throws(PostgresError) in
                    _ = try fields.decodeNext(Int64.self)
                    _ = try fields.decodeNext(Int64.self)
                }
                #expect(wrongWidth?.message.contains("field 2") == true, "\(String(describing: wrongWidth))")
                let infinite = await Self.firstFailure("COPY (SELECT timestamptz 'infinity') TO STDOUT (FORMAT binary)", on: connection) { fields throws(PostgresError) in
                    _ = try fields.decodeNext(Date.self)
                }
                #expect(infinite?.message.contains("infinite") == true, "\(String(describing: infinite))")
                let empty = try await connection.copyOutBinary("COPY (SELECT 1 WHERE false) TO STDOUT (FORMAT binary)") { _ throws(PostgresError) in
                    Issue.record("a row of an empty result")
                }
                #expect(empty == 0)
                #expect(try await connection.query("SELECT 3").rows.first?.decode(Int.self) == 3)
            }
        }
    }

    private static func readBinary(_ statement: String, on connection: isolated PostgresConnection) throws -> [SampleRow] {
        var rows: [SampleRow] = []
        let count = try connection.copyOutBinary(statement) { fields throws(PostgresError) in
            rows.append(try SampleRow(binary: &fields))
        }
        #expect(count == rows.count)
        return rows
    }

    private static func firstFailure(
        _ statement: String,
        on connection: isolated PostgresConnection,
        row: (inout BinaryRowFields) throws(PostgresError) -> Void
    ) -> PostgresError? {
        do {
            try connection.copyOutBinary(statement, row: row)
            return nil
        } catch {
            return error
        }
    }
}
