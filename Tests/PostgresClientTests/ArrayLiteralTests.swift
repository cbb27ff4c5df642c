@testable import PostgresClient
import Testing

@Suite("The text form of an array is split into its elements")
struct ArrayLiteralTests {
    @Test("quoted, escaped, empty, NULL and multi-byte elements come back as PostgreSQL printed them",
          arguments: [
              ("{}", []),
              ("{1}", ["1"]),
              ("{1,-2,9223372036854775807}", ["1", "-2", "9223372036854775807"]),
              (#"{"a b","c\"d",NULL,"NULL",""}"#, ["a b", "c\"d", nil, "NULL", ""]),
              (#"{"back\\slash","x,y",é,"日本"}"#, ["back\\slash", "x,y", "é", "日本"]),
              (#"{"\é"}"#, ["é"]),
          ] as [(String, [String?])])
    func splits(_ text: String, _ expected: [String?]) throws {
        #expect(try PostgresArrayLiteral.elements(of: text) == expected)
    }

    @Test("text that is not an array is refused, naming it", arguments: ["", "{", "}", "1,2", "{1,2"])
    func refusesNonArrays(_ text: String) {
        let error = #expect(throws: PostgresError.self) { try PostgresArrayLiteral.elements(of: text) }
        #expect(error?.message.contains("is not an array") == true)
    }
}
