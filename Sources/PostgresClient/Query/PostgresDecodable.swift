public import Foundation

/// A Swift type that can be read from a column in PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL column value.
    init(postgresText text: String) throws(PostgresError)
    /// Decodes a non-NULL value from the bytes of its text form, e.g. a field of a COPY line.
    /// By default through a `String`; numbers, uuids and timestamps read the bytes directly.
    init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError)
    /// Decodes SQL NULL; only `Optional` accepts it.
    static func decodeNull() throws(PostgresError) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresError) -> Self {
        throw .decoding("unexpected NULL for non-optional \(Self.self)")
    }

    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        try self.init(postgresText: String(decoding: bytes, as: UTF8.self))
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        self = .some(try Wrapped(postgresText: text))
    }

    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        self = .some(try Wrapped(postgresBytes: bytes))
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

/// An integer's decimal digits, with an optional leading `-`, read without a `String`.
private func decodeInteger<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) -> T {
    let negative = bytes.first == UInt8(ascii: "-")
    let digits = negative ? UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) : bytes
    var value: T = 0
    var overflow = digits.isEmpty
    for byte in digits where !overflow {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            overflow = true
            break
        }
        let digit = T(byte - UInt8(ascii: "0"))
        let shifted = value.multipliedReportingOverflow(by: 10)
        // Accumulated towards the sign, so the most negative value fits too.
        let next = negative ? shifted.partialValue.subtractingReportingOverflow(digit) : shifted.partialValue.addingReportingOverflow(digit)
        overflow = shifted.overflow || next.overflow
        value = next.partialValue
    }
    guard !overflow else {
        throw .decoding("\"\(String(decoding: bytes, as: UTF8.self))\" is not a \(T.self)")
    }
    return value
}

extension Int: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeInteger(bytes) }
}

extension Int64: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeInteger(bytes) }
}

extension Int32: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeInteger(bytes) }
}

extension UInt64: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) { self = try decodeInteger(text) }
    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeInteger(bytes) }
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

    /// The canonical form `uuid_out` writes (8-4-4-4-12 hex digits) is read directly; any
    /// other form goes through `UUID(uuidString:)`.
    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard let value = Self.canonical(bytes) else {
            try self.init(postgresText: String(decoding: bytes, as: UTF8.self))
            return
        }
        self = value
    }

    private static func canonical(_ text: UnsafeRawBufferPointer) -> UUID? {
        guard text.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &raw) { uuid in
            var index = 0
            for byteIndex in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard text[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = text[index].hexDigitValue, let low = text[index + 1].hexDigitValue else { return false }
                uuid[byteIndex] = high << 4 | low
                index += 2
            }
            return true
        }
        return parsed ? UUID(uuid: raw) : nil
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = PostgresTimestamp.parse(text) else {
            throw .decoding("\"\(text)\" is not a timestamptz in ISO style")
        }
        self = value
    }

    public init(postgresBytes bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard let value = PostgresTimestamp.parse(bytes) else {
            throw .decoding("\"\(String(decoding: bytes, as: UTF8.self))\" is not a timestamptz in ISO style")
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
