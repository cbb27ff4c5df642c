/// A stream's name, `category-id`: the category is what the stream is (`account`, `tenant`),
/// the id says which one. The category starts with a letter and holds letters, digits, `_`
/// and `.`; everything after the first `-` is the id.
public struct StreamName: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// The part before the first `-`.
    public var category: Substring { rawValue.prefix { $0 != "-" } }
    /// The part after the first `-`.
    public var id: Substring { rawValue.drop { $0 != "-" }.dropFirst() }

    public static let maximumLength = 200

    public init(_ rawValue: String) throws(EventStoreError) {
        guard Self.isValid(rawValue) else {
            throw .invalidStreamName(
                "invalid stream name \"\(rawValue)\": expected category-id, e.g. account-42"
            )
        }
        self.rawValue = rawValue
    }

    public init(category: String, id: String) throws(EventStoreError) {
        try self.init("\(category)-\(id)")
    }

    /// For names built by code from parts known to be valid (e.g. a category and a UUID); an
    /// invalid one is a programming error.
    public init(unchecked rawValue: String) {
        precondition(Self.isValid(rawValue), "invalid stream name \(rawValue)")
        self.rawValue = rawValue
    }

    /// For literals in code; a literal that is not a valid stream name is a programming error.
    public init(stringLiteral value: String) {
        precondition(Self.isValid(value), "invalid stream name literal \(value)")
        rawValue = value
    }

    public var description: String { rawValue }

    public static func < (lhs: StreamName, rhs: StreamName) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Mirrors the CHECK constraint on `tenantry.events.stream_name`.
    static func isValid(_ name: String) -> Bool {
        guard name.utf8.count <= maximumLength, let dash = name.firstIndex(of: "-") else { return false }
        let category = name[..<dash]
        let id = name[name.index(after: dash)...]
        guard let first = category.first, first.isASCII, first.isLetter else { return false }
        let categoryIsValid = category.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
        let idIsValid = !id.isEmpty && id.allSatisfy { !$0.isWhitespace && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }
        return categoryIsValid && idIsValid
    }
}
