import Foundation
import PostgresClient
import Testing

@Suite("COPY text lines read in place")
struct CopyTextFieldsTests {
    private func withLine<T>(_ text: String, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try Array(text.utf8).withUnsafeBytes(body)
    }

    @Test("fields decode straight from the bytes: numbers, uuid, timestamp, text, NULL, escapes")
    func decodesEveryKind() throws {
        let line = "-9223372036854775808\t18446744073709551615\t0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\t"
            + "2026-12-06 08:30:01.25+00\ta\\tb\\\\c\\nd\t\\N\tt\n"
        try withLine(line) { (bytes: UnsafeRawBufferPointer) throws in
            var fields = CopyTextFields(line: bytes)
            #expect(try fields.decodeNext(Int64.self) == Int64.min)
            #expect(try fields.decodeNext(UInt64.self) == UInt64.max)
            #expect(try fields.decodeNext(UUID.self) == UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"))
            #expect(try fields.decodeNext(Date.self) == Date(timeIntervalSince1970: 1_796_545_801.25))
            #expect(try fields.decodeNext(String.self) == "a\tb\\c\nd")
            #expect(try fields.decodeNext(String?.self) == nil)
            #expect(try fields.decodeNext(Bool.self) == true)
            #expect(fields.isAtEnd)
            #expect(throws: PostgresError.self) { try fields.decodeNext(String.self) }
        }
    }

    @Test("empty fields, a trailing tab and an empty line are fields of their own")
    func emptyFields() {
        withLine("a\t\t") { #expect(CopyTextFields.values(of: $0) == ["a", "", ""]) }
        withLine("") { #expect(CopyTextFields.values(of: $0) == [""]) }
        withLine("\\N\n") { #expect(CopyTextFields.values(of: $0) == [nil]) }
    }

    @Test("a value that does not fit its type names the field", arguments: [
        ("9223372036854775808", "Int64"), ("-", "Int64"), ("", "Int64"), ("12a", "Int64"),
        ("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fz", "UUID"), ("2026-12-06 08:30:01+00 BC", "Date"),
    ])
    func refusesMalformedValues(text: String, type: String) {
        withLine("1\t" + text) { bytes in
            var fields = CopyTextFields(line: bytes)
            do {
                _ = try fields.decodeNext(Int64.self)
                switch type {
                case "Int64": _ = try fields.decodeNext(Int64.self)
                case "UUID": _ = try fields.decodeNext(UUID.self)
                default: _ = try fields.decodeNext(Date.self)
                }
                Issue.record("\(text) decoded as \(type)")
            } catch let error as PostgresError {
                #expect(error.message.contains("field 2"), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("timestamps with an offset, without a fraction and before 1970 are the instants they name")
    func timestamps() throws {
        let expected: [(String, Double)] = [
            ("2026-12-06 08:30:01+00", 1_796_545_801),
            ("2026-12-06 10:30:01.000001+02", 1_796_545_801.000001),
            ("1999-01-01 00:00:00.5-05:30", 915_168_600.5),
            ("1969-12-31 23:59:59.25+00", -0.75),
        ]
        for (text, seconds) in expected {
            let decoded = try withLine(text) { try Date(postgresBytes: $0) }
            #expect(abs(decoded.timeIntervalSince1970 - seconds) < 0.000_000_5, "\(text)")
        }
    }
}
