import Foundation

/// The members of a JSON object's text at its top level: each key and where its value's text
/// lies, found without parsing the values. Sealing and opening personal fields replace a
/// member's value text in place, so every other byte of an event's data stays as it was
/// (numbers are not reformatted, keys not reordered).
///
/// The text must be valid JSON (the store checked it, or PostgreSQL wrote it); `nil` when it is
/// not an object or ends early.
struct TopLevelMembers {
    struct Member {
        let key: String
        /// The value's bytes in the text, without surrounding white space.
        let value: Range<Int>
    }

    let bytes: [UInt8]
    let members: [Member]

    init?(_ json: String) {
        bytes = Array(json.utf8)
        var scanner = Scanner(bytes: bytes)
        guard let members = scanner.objectMembers() else { return nil }
        self.members = members
    }

    /// The text with the values of some members replaced: `replacement` returns a member's new
    /// value text, or nil to keep it.
    func replacingValues(_ replacement: (Member) throws -> String?) rethrows -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for member in members {
            guard let text = try replacement(member) else { continue }
            output += bytes[copied..<member.value.lowerBound]
            output += Array(text.utf8)
            copied = member.value.upperBound
        }
        if copied == 0 { return String(decoding: bytes, as: UTF8.self) }
        output += bytes[copied...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The text of a member's value.
    func text(of member: Member) -> String {
        String(decoding: bytes[member.value], as: UTF8.self)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        mutating func objectMembers() -> [Member]? {
            skipWhiteSpace()
            guard consume(UInt8(ascii: "{")) else { return nil }
            var members: [Member] = []
            skipWhiteSpace()
            if consume(UInt8(ascii: "}")) { return members }
            while true {
                skipWhiteSpace()
                let keyStart = index
                guard peek == UInt8(ascii: "\""), skipString(), let key = Self.decodeKey(bytes[keyStart..<index]) else { return nil }
                skipWhiteSpace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhiteSpace()
                let valueStart = index
                guard skipValue() else { return nil }
                members.append(Member(key: key, value: valueStart..<index))
                skipWhiteSpace()
                if consume(UInt8(ascii: ",")) { continue }
                return consume(UInt8(ascii: "}")) ? members : nil
            }
        }

        private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        private mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        private mutating func skipWhiteSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Past a string that starts at `index`.
        private mutating func skipString() -> Bool {
            index += 1
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\\") {
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return index <= bytes.count
                }
            }
            return false
        }

        /// Past one value: a string, an object or array (to its matching bracket, strings
        /// skipped), or a number or literal (to the next delimiter).
        private mutating func skipValue() -> Bool {
            guard let first = peek else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while let byte = peek, !Self.delimiters.contains(byte) { index += 1 }
                return index > start
            }
        }

        private static let delimiters: Set<UInt8> = [
            UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09,
        ]

        private static func decodeKey(_ quoted: ArraySlice<UInt8>) -> String? {
            let inner = quoted.dropFirst().dropLast()
            if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
            return try? JSONDecoder().decode(String.self, from: Data(quoted))
        }
    }
}
