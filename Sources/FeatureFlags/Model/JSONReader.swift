/// Reads JSON into a `JSONValue`: flagd documents and OFREP request bodies. Not `JSONDecoder`,
/// because the spelling of a number carries meaning (flagd infers a flag's type from its
/// variants, so `1.0`, a double, must not come back as `1`, an integer), and because an OFREP
/// evaluation reads a body on every request: straight from its bytes into the value, no
/// `Decodable` machinery (which took most of a request's time). `JSONWriter` writes them.
public enum JSONReader {
    /// Why a document is not JSON, with the line and column where reading stopped.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Nesting deeper than this is refused instead of recursing without bound on hostile input;
    /// it leaves room for flags with hundreds of rules, whose `if`s nest two levels per branch.
    static let maximumDepth = 1_000

    /// Which numbers read as integers.
    public enum Numbers: Sendable {
        /// A number written without a fraction or exponent that fits 64 bits (`1`, not `1.0`):
        /// for flagd documents, where the spelling says the type.
        case asWritten
        /// Any number whose value is a whole number that fits 64 bits (`1`, `1.0`, `1e0`), as
        /// `JSONDecoder` reads them: for evaluation contexts, where `12.0` seats are 12.
        case byValue
    }

    /// Parses a whole document; numbers that are not integers (see `numbers`) are doubles.
    public static func parse(_ bytes: some Collection<UInt8>, numbers: Numbers = .asWritten) throws(SyntaxError) -> JSONValue {
        var reader = Reader(bytes: Array(bytes), numbers: numbers)
        return try reader.document()
    }
}

/// A recursive-descent reader over the document's UTF-8 bytes (RFC 8259).
private struct Reader {
    let bytes: [UInt8]
    let numbers: JSONReader.Numbers
    var position = 0
    var depth = 0

    init(bytes: [UInt8], numbers: JSONReader.Numbers) {
        self.bytes = bytes
        self.numbers = numbers
        // Editors on some systems save a byte-order mark; it is not part of the JSON.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    mutating func document() throws(JSONReader.SyntaxError) -> JSONValue {
        let result = try value()
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the JSON value") }
        return result
    }

    private mutating func value() throws(JSONReader.SyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw failure("unexpected end of the document") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw failure("unexpected character \(Self.describe(byte))")
        }
    }

    private mutating func object() throws(JSONReader.SyntaxError) -> JSONValue {
        try enter()
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in double quotes") }
            let name = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after member name \"\(name)\"") }
            position += 1
            members[name] = try value()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(members)
            default:
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws(JSONReader.SyntaxError) -> JSONValue {
        try enter()
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(elements)
            default:
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    /// Consumes the opening bracket and counts the nesting level.
    private mutating func enter() throws(JSONReader.SyntaxError) {
        guard depth < JSONReader.maximumDepth else { throw failure("nesting deeper than \(JSONReader.maximumDepth) levels") }
        depth += 1
        position += 1
    }

    private mutating func string() throws(JSONReader.SyntaxError) -> String {
        position += 1
        var buffer: [UInt8] = []
        while true {
            guard let byte = peek() else { throw failure("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw failure("a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &buffer)
            case 0..<0x20:
                position -= 1
                throw failure("a control character inside a string must be escaped")
            default:
                buffer.append(byte)
            }
        }
    }

    private mutating func escape(into buffer: inout [UInt8]) throws(JSONReader.SyntaxError) {
        guard let byte = peek() else { throw failure("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hexQuad()
            if (0xD800..<0xDC00).contains(code) {
                guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw failure("a high surrogate escape must be followed by a low one")
                }
                position += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a high surrogate escape must be followed by a low one") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw failure("\\u escape of a lone surrogate") }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            position -= 1
            throw failure("invalid escape \\\(Self.describe(byte))")
        }
    }

    private mutating func hexQuad() throws(JSONReader.SyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else { throw failure("\\u needs four hex digits") }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    private mutating func number() throws(JSONReader.SyntaxError) -> JSONValue {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw failure("a number needs digits") }
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        var isIntegral = true
        if peek() == UInt8(ascii: ".") {
            isIntegral = false
            position += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("a number needs digits after its decimal point") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isIntegral = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw failure("a number needs digits in its exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isIntegral, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw failure("number \(text) is out of range") }
        if numbers == .byValue, let integer = Int64(exactly: double) { return .integer(integer) }
        return .double(double)
    }

    private mutating func literal(_ word: String) throws(JSONReader.SyntaxError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw failure("unexpected text; expected \(word)") }
            position += 1
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { position += 1 }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func failure(_ message: String) -> JSONReader.SyntaxError {
        var line = 1
        var lineStart = 0
        for (offset, byte) in bytes[..<min(position, bytes.count)].enumerated() where byte == 0x0A {
            line += 1
            lineStart = offset + 1
        }
        return JSONReader.SyntaxError(description: "\(message) at line \(line), column \(position - lineStart + 1)")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }
}
