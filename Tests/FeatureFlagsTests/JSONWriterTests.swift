import EventStore
import FeatureFlags
import Testing

@Suite("JSON as OFREP bodies and flagd exports need it")
struct JSONWriterTests {
    @Test("doubles stay doubles, integers stay integers, keys are sorted, strings are escaped")
    func canonicalJSON() {
        let value: JSONValue = .object([
            "b": .array([.double(1.0), .double(0.5), .double(1e20), .double(-0.0), .integer(-9_007_199_254_740_993)]),
            "a": .string("quote \" backslash \\ newline \n tab \t nul \u{0} é"),
            "c": .object(["z": .null, "y": .bool(true)]),
        ])
        let text = String(decoding: JSONWriter.bytes(value), as: UTF8.self)
        #expect(text == #"{"a":"quote \" backslash \\ newline \n tab \t nul \u0000 é","b":[1.0,0.5,1e+20,-0.0,-9007199254740993],"c":{"y":true,"z":null}}"#)
    }

    @Test("compact and pretty JSON differ only in whitespace; empty containers stay on one line")
    func prettyIsCompactWithWhitespace() {
        let value: JSONValue = .object(["rules": .array([.object(["if": .array([1, 2])]), .array([])]), "none": .object([:])])
        #expect(JSONWriter.pretty(value) == "{\n  \"none\": {},\n  \"rules\": [\n    {\n      \"if\": [1, 2]\n    },\n    []\n  ]\n}")
        let compact = String(decoding: JSONWriter.bytes(value), as: UTF8.self)
        #expect(compact == #"{"none":{},"rules":[{"if":[1,2]},[]]}"#)
    }

    @Test("the event store's string literals are the writer's: short escapes, \\u00XX for other controls, UTF-8 as it is")
    func oneEscaper() {
        let text = "\u{8}\u{C}\u{1F}\"\\ü"
        #expect(JSONString.quoted(text) == #""\b\f\u001f\"\\ü""#)
        #expect(JSONString.quoted(text) == String(decoding: JSONWriter.bytes(.string(text)), as: UTF8.self))
        // Strings needing no escape are copied whole; one escape anywhere takes the slow path.
        #expect(JSONString.quoted("plain ü 😀 text") == #""plain ü 😀 text""#)
        #expect(JSONString.quoted("") == #""""#)
        #expect(JSONString.quoted("ends with a tab\t") == #""ends with a tab\t""#)
        #expect(JSONString.quoted(String(Substring("a\"b"))) == #""a\"b""#)
    }
}
