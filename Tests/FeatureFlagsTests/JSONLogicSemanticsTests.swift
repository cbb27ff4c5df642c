@testable import FeatureFlags
import Foundation
import Testing

/// JsonLogic as flagd's Go library (diegoholiveira/jsonlogic v3.9.1) reads it: the values
/// `and`/`or` return, loose and strict equality, string and numeric ordering, `var` defaults,
/// `cat`'s trimming, and the operations it refuses (flagd: PARSE_ERROR). Expected results are
/// that library's.
@Suite("JsonLogic semantics")
struct JSONLogicSemanticsTests {
    static let data: [String: JSONValue] = [
        "empty": "", "off": false, "nested": .object(["list": .array([5, 6])]), "name": "Ada",
    ]

    static func evaluate(_ logic: String) throws -> JSONValue {
        let expression = try JSONReader.parse(Data(logic.utf8))
        let scope = TargetingScope(flagKey: "f", timestamp: 1_750_000_000, context: EvaluationContext(attributes: data))
        return try LogicEvaluation(scope: scope, fractional: .v2).evaluate(try LogicNode(compiling: expression))
    }

    @Test("results", arguments: [
        (#"{"and": [1, "x", 0, "y"]}"#, "0"), (#"{"and": [1, "x"]}"#, #""x""#), (#"{"and": []}"#, "null"),
        (#"{"or": [0, "", null, "z"]}"#, #""z""#), (#"{"or": [0, false]}"#, "false"),
        (#"{"!!": ["0"]}"#, "true"), (#"{"!!": [[]]}"#, "false"), (#"{"!": [[]]}"#, "true"), (#"{"!": true}"#, "false"),
        (#"{"==": [1, "1"]}"#, "true"), (#"{"==": [0, ""]}"#, "true"), (#"{"==": [true, 1]}"#, "true"),
        (#"{"==": ["true", true]}"#, "false"), (#"{"==": [null, 0]}"#, "false"), (#"{"==": [null, null]}"#, "true"),
        (#"{"==": [[1], 1]}"#, "false"), (#"{"===": [1, "1"]}"#, "false"), (#"{"===": [1, 1.0]}"#, "true"),
        (#"{"!=": [1, "1"]}"#, "false"), (#"{"!==": [1, "1"]}"#, "true"),
        (#"{"<": ["10", "9"]}"#, "true"), (#"{"<": [null, 1]}"#, "true"), (#"{"<": ["abc", 1]}"#, "false"),
        (#"{"<": [1, 2, 3]}"#, "true"), (#"{"<=": [1, 1, 0]}"#, "false"), (#"{">=": ["b", "a"]}"#, "true"),
        (#"{"in": [1, ["1", 2]]}"#, "true"), (#"{"in": ["1", [1]]}"#, "false"), (#"{"in": ["ell", "hello"]}"#, "true"),
        (#"{"in": ["x", null]}"#, "false"),
        (#"{"var": ["missing", "d"]}"#, #""d""#), (#"{"var": "nested.list.1"}"#, "6"), (#"{"var": ["off", "d"]}"#, "false"),
        (#"{"var": ["empty", "d"]}"#, #""""#), (#"{"var": "name.first"}"#, "null"),
        (#"{"missing": ["empty", "off", "nope"]}"#, #"["nope"]"#), (#"{"missing_some": [1, ["name", "nope"]]}"#, "[]"),
        (#"{"missing_some": [2, ["name", "nope"]]}"#, #"["nope"]"#),
        (#"{"cat": [" a ", " "]}"#, #""a""#), (#"{"cat": [" a "]}"#, #"" a ""#), (#"{"cat": ["x", 1.0, null]}"#, #""x1""#),
        (#"{"cat": []}"#, #""""#),
        (#"{"substr": ["jsonlogic", 4]}"#, #""logic""#), (#"{"substr": ["jsonlogic", -5]}"#, #""logic""#),
        (#"{"substr": ["jsonlogic", 1, 3]}"#, #""son""#), (#"{"substr": ["jsonlogic", 4, -2]}"#, #""log""#),
        (#"{"substr": ["abc", 3]}"#, #""""#), (#"{"substr": ["abc", -4, 1]}"#, #""abc""#), (#"{"substr": [12345, 1, 2]}"#, #""23""#),
        (#"{"-": [10, 2, 3]}"#, "5"), (#"{"/": [8]}"#, "8"), (#"{"/": [16, 2, 4]}"#, "2"),
        (#"{">=": [null, 0]}"#, "false"), (#"{"<=": [null, null]}"#, "true"), (#"{"==": [" 5", 5]}"#, "false"),
        (#"{"<": [1, 2, 0, 5]}"#, "true"),
        (#"{"merge": [1, [2, 3], [[4]]]}"#, "[1,2,3,[4]]"),
        (#"{"+": ["1", 2]}"#, "3"), (#"{"-": [5]}"#, "-5"), (#"{"*": [2, 3.5]}"#, "7"), (#"{"%": [7, 4]}"#, "3"),
        (#"{"max": []}"#, "null"), (#"{"min": [3, 1, 2]}"#, "1"),
        (#"{"map": [[1, 2], {"*": [{"var": ""}, 2]}]}"#, "[2,4]"),
        (#"{"filter": [[1, 2, 3], {">": [{"var": ""}, 1]}]}"#, "[2,3]"),
        (#"{"reduce": [[1, 2, 3], {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}"#, "6"),
        (#"{"all": [[], {"var": ""}]}"#, "false"), (#"{"some": [[0, 1], {"var": ""}]}"#, "true"),
        (#"{"none": [[0, ""], {"var": ""}]}"#, "true"),
        (#"{"if": []}"#, "null"), (#"{"if": ["x"]}"#, #""x""#), (#"{"if": [false, 1, false, 2]}"#, "null"),
        (#"{"if": [false, 1, 0, 2, 3]}"#, "3"), (#"{"?:": [true, 1, 2]}"#, "1"),
        (#"{"a": 1, "b": 2}"#, #"{"a":1,"b":2}"#),
        (#"{"var": "$flagd.flagKey"}"#, #""f""#), (#"{"var": "$flagd.timestamp"}"#, "1750000000"),
    ])
    func result(logic: String, expected: String) throws {
        #expect(try Self.evaluate(logic) == JSONReader.parse(Data(expected.utf8)))
    }

    @Test("what the library refuses is an evaluation error", arguments: [
        #"{"+": [true, 1]}"#, #"{"+": [null, 1]}"#, #"{"cat": ["a", true]}"#, #"{"in": [1, "123"]}"#, #"{"regex": ["a", "b"]}"#,
    ])
    func refused(logic: String) {
        #expect(throws: LogicError.self) { try Self.evaluate(logic) }
    }

    @Test("an expression nested beyond any real use is refused when it is compiled")
    func depth() {
        var expression = JSONValue.bool(true)
        for _ in 0..<100 { expression = .object(["!": .array([expression])]) }
        #expect(throws: TargetingProblem.self) { try LogicNode(compiling: expression) }
    }
}
