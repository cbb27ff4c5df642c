import PostgresClient
import TestSupport
import Testing

@Suite("COPY FROM STDIN")
struct CopyTests {
    @Test("rows stream in through COPY, escaped values intact")
    func copiesRows() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE lines (n int, body text)")
                let rows = (1...1000).map { CopyTextRow.line([String($0), "tab\there\nnewline \\ \($0)"]) }
                    + [CopyTextRow.line(["1001", nil])]
                let copied = try await connection.copyIn("COPY lines (n, body) FROM STDIN", chunks: rows)
                #expect(copied == 1001)
                let row = try #require(try await connection.query("SELECT body FROM lines WHERE n = 7").rows.first)
                #expect(try row.decode(String.self) == "tab\there\nnewline \\ 7")
                let null = try #require(try await connection.query("SELECT body FROM lines WHERE n = 1001").rows.first)
                #expect(try null.decode(String?.self) == nil)
            }
        }
    }

    @Test("CR LF, a control character before a combining mark and a backslash before one survive COPY: escaping is per scalar")
    func escapesScalarsNotCharacters() async throws {
        let awkward = ["crlf\r\nend", "tab\t\u{301}mark", "back\\\u{301}slash", "\r\n\r\n", "nl\n\u{20DD}"]
        // Each of these is a grapheme cluster equal to none of the characters escaped.
        #expect("\r\n" as Character != "\n" && "\r\n" as Character != "\r")
        let line = CopyTextRow.line(awkward)
        #expect(line.unicodeScalars.filter { $0 == "\n" }.count == 1, "only the line's own end is a raw newline")
        #expect(!line.unicodeScalars.contains("\r"))
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE awkward (a text, b text, c text, d text, e text)")
                #expect(try await connection.copyIn("COPY awkward FROM STDIN", chunks: [line]) == 1)
                let row = try #require(try await connection.query("SELECT a, b, c, d, e FROM awkward").rows.first)
                for (index, expected) in awkward.enumerated() {
                    #expect(try row.decode(column: index, as: String.self) == expected)
                }
            }
        }
    }

    @Test("a bad row fails the COPY with SQLSTATE and copies nothing")
    func badRowCopiesNothing() async throws {
        try await withTestDatabase { database async throws in
            try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.runScript("CREATE TABLE numbers (n int)")
                let error = await #expect(throws: PostgresError.self) {
                    try await connection.copyIn("COPY numbers (n) FROM STDIN", chunks: ["1\n", "2\n", "three\n", "4\n"])
                }
                #expect(error?.sqlState == .invalidTextRepresentation)
                let count = try #require(try await connection.query("SELECT count(*) FROM numbers").rows.first)
                #expect(try count.decode(Int.self) == 0)
                // The connection is usable after the failed COPY.
                #expect(try await connection.query("SELECT 1").rows.count == 1)
            }
        }
    }
}
