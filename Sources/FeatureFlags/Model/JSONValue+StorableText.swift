/// Text PostgreSQL cannot store: `jsonb` (and `text`) refuse U+0000 (SQLSTATE 22P05), so a
/// string or an object key holding it must be refused before anything is written.
///
/// Swift strings always hold valid Unicode scalars, so U+0000 is the only character of a
/// decoded value that the database refuses (a lone surrogate such as `"\ud800"` cannot get this
/// far: the JSON decoder refuses it or replaces it with U+FFFD).
extension JSONValue {
    /// Whether `text` holds a character PostgreSQL cannot store (U+0000).
    public static func isUnstorable(_ text: String) -> Bool {
        text.utf8.contains(0)
    }

    /// The JSON path (`reason`, `metadata.owner`, `rules[2].variant`) of the first string or
    /// object key, in sorted key order, that PostgreSQL cannot store; nil when there is none.
    /// `path` is where this value sits (empty for a whole document).
    public func firstUnstorableText(at path: String = "") -> String? {
        switch self {
        case .string(let text):
            return Self.isUnstorable(text) ? path : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.firstUnstorableText(at: path + "[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                let memberPath = path.isEmpty ? key : path + "." + key
                if Self.isUnstorable(key) { return memberPath }
                if let value = members[key], let found = value.firstUnstorableText(at: memberPath) { return found }
            }
            return nil
        case .null, .bool, .integer, .double:
            return nil
        }
    }
}
