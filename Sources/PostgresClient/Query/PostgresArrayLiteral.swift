/// Parses the text output of a one-dimensional PostgreSQL array (`{a,"b c",NULL}`).
enum PostgresArrayLiteral {
    /// The elements, NULL as nil. Reads UTF-8 bytes, not characters: every delimiter is ASCII,
    /// which no byte of a multi-byte character equals, and walking characters (grapheme
    /// breaking) cost more than the rest of decoding an append's result.
    static func elements(of text: String) throws(PostgresError) -> [String?] {
        let bytes = text.utf8
        guard bytes.first == openingBrace, bytes.last == closingBrace, bytes.count >= 2 else {
            throw .decoding("\"\(text)\" is not an array")
        }
        if bytes.count == 2 { return [] }

        var elements: [String?] = []
        var current: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for byte in bytes.dropFirst().dropLast() {
            if escaped {
                current.append(byte)
                escaped = false
            } else if byte == backslash && quoted {
                escaped = true
            } else if byte == quote {
                quoted.toggle()
                wasQuoted = true
            } else if byte == comma && !quoted {
                elements.append(element(current, wasQuoted: wasQuoted))
                current.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else {
                current.append(byte)
            }
        }
        elements.append(element(current, wasQuoted: wasQuoted))
        return elements
    }

    /// An element's text; the bare word NULL is a NULL, a quoted "NULL" the text.
    private static func element(_ bytes: [UInt8], wasQuoted: Bool) -> String? {
        if !wasQuoted && bytes.elementsEqual(null) { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let openingBrace = UInt8(ascii: "{")
    private static let closingBrace = UInt8(ascii: "}")
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let null = Array("NULL".utf8)
}
