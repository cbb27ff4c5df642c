import Foundation

/// A JSON value a module wrote (its manifest, its answers), decoded with booleans, whole
/// numbers, other numbers and strings kept apart, so that `1` is never taken for `true`.
enum ModuleJSON: Decodable {
    case null, boolean(Bool), integer(Int64), number(Double), string(String), list([ModuleJSON]), object([String: ModuleJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ModuleJSON].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: ModuleJSON].self))
        }
    }

    /// The members of an object, or nil for any other value.
    var members: [String: ModuleJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The decoded bytes, or nil when they are not JSON.
    static func decode(_ bytes: [UInt8]) -> ModuleJSON? {
        try? JSONDecoder().decode(ModuleJSON.self, from: Data(bytes))
    }
}
