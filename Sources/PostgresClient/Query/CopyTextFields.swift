/// The fields of one line of COPY's text format, read in place, one after another.
///
/// A reader decodes each field straight from the line's bytes: numbers, uuids and timestamps
/// never become a `String` on the way, which is most of what a fast catch-up read of the event
/// feed saves. The reader borrows the line: use it only inside the `copyOut` closure that
/// handed the line out.
///
/// ```swift
/// try connection.copyOut("COPY (SELECT id, name FROM things) TO STDOUT") { line throws(PostgresError) in
///     var fields = CopyTextFields(line: line)
///     let id = try fields.decodeNext(UUID.self)
///     let name = try fields.decodeNext(String?.self)
/// }
/// ```
public struct CopyTextFields {
    private let line: UnsafeRawBufferPointer
    private var start: Int
    /// How many fields have been read (or skipped) so far.
    public private(set) var fieldsRead = 0

    /// Reads `line` from its first field; a trailing newline is not part of the last field.
    public init(line: UnsafeRawBufferPointer) {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        self.line = UnsafeRawBufferPointer(rebasing: line[0..<end])
        self.start = 0
    }

    /// Whether every field has been read. An empty line holds one empty field.
    public var isAtEnd: Bool { start > line.count }

    /// Decodes the next field, `\N` as SQL NULL.
    public mutating func decodeNext<Value: PostgresDecodable>(_: Value.Type = Value.self) throws(PostgresError) -> Value {
        guard let (field, escaped) = nextField() else {
            throw .decoding("the COPY line has \(fieldsRead) fields; field \(fieldsRead + 1) was asked for")
        }
        do {
            if escaped {
                guard let text = Self.unescaped(field) else { return try Value.decodeNull() }
                return try Value(postgresText: text)
            }
            return try Value(postgresBytes: field)
        } catch {
            throw .decoding("field \(fieldsRead): \(error.message)")
        }
    }

    /// Passes over the next field without decoding it.
    public mutating func skip() throws(PostgresError) {
        guard nextField() != nil else {
            throw .decoding("the COPY line has \(fieldsRead) fields; field \(fieldsRead + 1) was asked for")
        }
    }

    /// Every value of `line`, in order, as text (`nil` for SQL NULL).
    public static func values(of line: UnsafeRawBufferPointer) -> [String?] {
        var fields = CopyTextFields(line: line)
        var values: [String?] = []
        while let (field, escaped) = fields.nextField() {
            values.append(escaped ? unescaped(field) : String(decoding: field, as: UTF8.self))
        }
        return values
    }

    /// The bytes of the next field up to its tab, and whether it holds a backslash escape.
    private mutating func nextField() -> (UnsafeRawBufferPointer, escaped: Bool)? {
        guard start <= line.count else { return nil }
        var index = start
        var escaped = false
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: "\t") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1 // the escaped byte is never a separator
            }
            index += 1
        }
        let end = min(index, line.count)
        let field = UnsafeRawBufferPointer(rebasing: line[start..<end])
        start = end + 1
        fieldsRead += 1
        return (field, escaped)
    }

    /// The text of a field holding backslash escapes; `nil` for `\N`, SQL NULL.
    private static func unescaped(_ field: UnsafeRawBufferPointer) -> String? {
        if field.count == 2 && field[0] == UInt8(ascii: "\\") && field[1] == UInt8(ascii: "N") { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            let byte = field[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < field.count else {
                bytes.append(byte)
                continue
            }
            let code = field[index]
            index += 1
            switch code {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "v"): bytes.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // Up to three octal digits.
                var value = Int(code - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < field.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(field[index]) {
                    value = value * 8 + Int(field[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                bytes.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where index < field.count && field[index].hexDigitValue != nil:
                var value = field[index].hexDigitValue ?? 0
                index += 1
                if index < field.count, let low = field[index].hexDigitValue {
                    value = value * 16 + low
                    index += 1
                }
                bytes.append(value)
            default:
                bytes.append(code)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
