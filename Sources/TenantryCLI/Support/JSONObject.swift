import Foundation

/// A small JSON value for the CLI's `--json` output, rendered with sorted keys.
struct JSONObject {
    enum Value {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case raw(String)
        case array([Value])
        case object([String: Value])
    }

    var fields: [String: Value]

    init(_ fields: [String: Value]) {
        self.fields = fields
    }

    var rendered: String { Self.render(.object(fields)) }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let string):
            let data = (try? JSONEncoder().encode(string)) ?? Data("\"\"".utf8)
            return String(decoding: data, as: UTF8.self)
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .bool(let bool):
            return bool ? "true" : "false"
        case .null:
            return "null"
        case .raw(let json):
            return json
        case .array(let values):
            return "[" + values.map(render).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { key in
                render(.string(key)) + ":" + render(fields[key] ?? .null)
            }.joined(separator: ",") + "}"
        }
    }
}
