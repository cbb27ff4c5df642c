public import Foundation

/// A Swift type that can be read from a column in PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL column value.
    init(postgresText text: String) throws(PostgresError)
    /// Decodes SQL NULL; only `Optional` accepts it.
    static func decodeNull() throws(PostgresError) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresError) -> Self {
        throw .decoding("unexpected NULL for non-optional \(Self.self)")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        self = .some(try Wrapped(postgresText: text))
    }

    public static func decodeNull() throws(PostgresError) -> Self { .none }
}

extension String: PostgresDecodable {
    public init(postgresText text: String) { self = text }
}

private func decodeInteger<T: FixedWidthInteger>(_ text: String) throws(PostgresError) -> T {
    guard let value = T(text) else { throw .decoding("\"\(text)\" is not a \(T.self)") }
    return value
}

extension Int: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
}

extension UInt64: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
}

extension Double: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = Double(text) else { throw .decoding("\"\(text)\" is not a Double") }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        switch text {
        case "t": self = true
        case "f": self = false
        default: throw .decoding("\"\(text)\" is not a boolean")
        }
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = UUID(uuidString: text) else { throw .decoding("\"\(text)\" is not a uuid") }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = PostgresTimestamp.parse(text) else {
            throw .decoding("\"\(text)\" is not a timestamptz in ISO style")
        }
        self = value
    }
}

/// Arrays decode from PostgreSQL's one-dimensional array output, e.g. `{1,2,3}`.
extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        self = try PostgresArrayLiteral.elements(of: text).map { element throws(PostgresError) in
            guard let element else { return try Element.decodeNull() }
            return try Element(postgresText: element)
        }
    }
}
