import Foundation

extension JSONValue {
    /// The value as compact JSON text with sorted keys, in a frozen format: flag bucketing hashes
    /// it (an attribute a rollout buckets by), so changing a byte of it re-buckets tenants. Use it
    /// only for that hash and for values quoted in messages and tables; everything else writes
    /// JSON with `JSONWriter` (this one goes through `JSONEncoder`, whose number and escaping
    /// choices are not `JSONWriter`'s).
    public var compactJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Parses a value typed at a command line: JSON when it is JSON (`42`, `true`, `"x"`,
    /// `{"a":1}`), otherwise the text itself as a string.
    public init(commandLine text: String) {
        if let data = text.data(using: .utf8),
            let value = try? JSONDecoder().decode(JSONValue.self, from: data)
        {
            self = value
        } else {
            self = .string(text)
        }
    }
}
