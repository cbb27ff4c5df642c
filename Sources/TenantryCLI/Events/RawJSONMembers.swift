import Foundation

/// The text of each member of a top-level JSON object, by key, exactly as written. The text
/// must already be known to be valid JSON (`JSONSerialization` checks it first).
enum RawJSONMembers {
    static func values(in text: Substring) -> [String: Substring] {
        let utf8 = text.utf8
        var members: [String: Substring] = [:]
        var index = utf8.startIndex
        func skipSpace() {
            while index < utf8.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(utf8[index]) { index = utf8.index(after: index) }
        }
        /// Moves past the string starting at `index` (on its opening quote).
        func skipString() {
            index = utf8.index(after: index)
            while index < utf8.endIndex {
                let byte = utf8[index]
                index = utf8.index(after: index)
                if byte == UInt8(ascii: "\\"), index < utf8.endIndex {
                    index = utf8.index(after: index)
                } else if byte == UInt8(ascii: "\"") {
                    return
                }
            }
        }
        /// Moves past the value starting at `index`.
        func skipValue() {
            guard index < utf8.endIndex else { return }
            switch utf8[index] {
            case UInt8(ascii: "\""):
                skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < utf8.endIndex {
                    let byte = utf8[index]
                    if byte == UInt8(ascii: "\"") {
                        skipString()
                        continue
                    }
                    if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                    if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
                    index = utf8.index(after: index)
                    if depth == 0 { return }
                }
            default:
                while index < utf8.endIndex, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(utf8[index]) {
                    index = utf8.index(after: index)
                }
            }
        }

        skipSpace()
        guard index < utf8.endIndex, utf8[index] == UInt8(ascii: "{") else { return [:] }
        index = utf8.index(after: index)
        while true {
            skipSpace()
            guard index < utf8.endIndex, utf8[index] == UInt8(ascii: "\"") else { return members }
            let keyStart = index
            skipString()
            let keyToken = text[keyStart..<index]
            let key = (try? JSONSerialization.jsonObject(with: Data(keyToken.utf8), options: [.fragmentsAllowed]) as? String) ?? ""
            skipSpace()
            guard index < utf8.endIndex, utf8[index] == UInt8(ascii: ":") else { return members }
            index = utf8.index(after: index)
            skipSpace()
            let valueStart = index
            skipValue()
            members[key] = text[valueStart..<index]
            skipSpace()
            guard index < utf8.endIndex, utf8[index] == UInt8(ascii: ",") else { return members }
            index = utf8.index(after: index)
        }
    }
}
