@testable import FeatureFlags
import Foundation
import Testing

/// The JSON reader and writer of the flagd interchange.
@Suite("JSON text for flagd documents")
struct JSONReaderTests {
    func parse(_ text: String) throws -> JSONValue {
        try JSONReader.parse(Data(text.utf8))
    }

    @Test("numbers keep their spelling's kind: 1 is an integer, 1.0 and 1e2 are doubles")
    func numberKinds() throws {
        #expect(try parse("[1, 1.0, 1e2, -0, -2.5, 9223372036854775807, 9223372036854775808]") == .array([
            .integer(1), .double(1), .double(100), .integer(0), .double(-2.5), .integer(Int64.max), .double(9_223_372_036_854_775_808),
        ]))
    }

    @Test("read by value, every whole number that fits 64 bits is an integer, as JSONDecoder reads it")
    func numbersByValue() throws {
        let text = "[1, 1.0, 1e2, -0.0, -2.5, 9223372036854775807, 9223372036854775808, 1e300]"
        #expect(try JSONReader.parse(Array(text.utf8), numbers: .byValue) == .array([
            .integer(1), .integer(1), .integer(100), .integer(0), .double(-2.5), .integer(Int64.max), .double(9_223_372_036_854_775_808), .double(1e300),
        ]))
        // The same as the JSONDecoder-based reading the OFREP body had before.
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONReader.parse(Array(text.utf8), numbers: .byValue) == decoded)
    }

    @Test("strings decode every escape, including surrogate pairs")
    func escapes() throws {
        #expect(try parse(#""a\"b\\c\/d\n\t\r\b\f\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\t\r\u{08}\u{0C}é😀"))
    }

    @Test("written JSON reads back as the same value")
    func roundTrip() throws {
        let value: JSONValue = .object([
            "text": .string("quote \" backslash \\ newline \n control \u{01} emoji 😀"),
            "numbers": .array([.integer(-7), .double(1), .double(0.1), .double(1e-7), .double(1e300)]),
            "nested": .object(["empty": .object([:]), "list": .array([]), "flags": .array([true, false, .null])]),
            "rows": .array([.array(["red", 25]), .object(["a": 1])]),
        ])
        #expect(try JSONReader.parse(Data(JSONWriter.pretty(value).utf8)) == value)
    }

    @Test("output is indented with sorted keys and one-line scalar arrays")
    func layout() {
        let value: JSONValue = .object(["b": .array(["red", 25]), "a": .object(["c": 1.0])])
        #expect(JSONWriter.pretty(value) == "{\n  \"a\": {\n    \"c\": 1.0\n  },\n  \"b\": [\"red\", 25]\n}")
    }

    @Test("malformed documents are refused with the line and column", arguments: [
        ("{\"a\": }", "unexpected character '}' at line 1, column 7"),
        ("{\"a\": 1,\n \"b\" 2}", "expected ':' after member name \"b\" at line 2, column 6"),
        ("[1, 2", "expected ',' or ']' in an array at line 1, column 6"),
        ("[01]", "expected ',' or ']' in an array at line 1, column 3"),
        ("\"tab\there\"", "a control character inside a string must be escaped at line 1, column 5"),
        ("{} {}", "unexpected text after the JSON value at line 1, column 4"),
        ("[1.]", "a number needs digits after its decimal point at line 1, column 4"),
        ("\"\\ud800\"", "a high surrogate escape must be followed by a low one at line 1, column 8"),
        ("tru", "unexpected text; expected true at line 1, column 4"),
    ])
    func malformed(text: String, message: String) {
        #expect(throws: JSONReader.SyntaxError(description: message)) { try parse(text) }
    }

    @Test("nesting beyond the limit is refused instead of overflowing the stack")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONReader.SyntaxError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        #expect(throws: Never.self) { try parse(fine) }
    }

    @Test("a byte-order mark is skipped")
    func byteOrderMark() throws {
        #expect(try JSONReader.parse(Data([0xEF, 0xBB, 0xBF]) + Data("{\"a\": 1}".utf8)) == .object(["a": 1]))
    }
}
