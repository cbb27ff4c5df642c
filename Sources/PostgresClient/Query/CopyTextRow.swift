public import Foundation

/// Formats one row of PostgreSQL's COPY text format: tab-separated, `\N` for NULL, with
/// backslash, tab, newline and carriage return escaped.
public enum CopyTextRow {
    /// One line (ending in a newline) holding `values` in order; nil is NULL.
    ///
    /// Escapes Unicode scalars, not `Character`s: CR LF is one grapheme cluster, equal to
    /// neither `"\r"` nor `"\n"`, and a control character followed by a combining mark is
    /// another; COPY reads bytes, so every scalar must be looked at on its own.
    public static func line(_ values: [String?]) -> String {
        // Most values hold nothing to escape (checked byte by byte: every byte of a multi-byte
        // UTF-8 sequence is above 0x7F, so none is taken for one of these); they are copied whole.
        let plain = values.allSatisfy { value in
            value?.utf8.allSatisfy { $0 != 0x5C && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } ?? true
        }
        if plain {
            return values.map { $0 ?? "\\N" }.joined(separator: "\t") + "\n"
        }
        var line = String.UnicodeScalarView()
        for (index, value) in values.enumerated() {
            if index > 0 { line.append("\t") }
            guard let value else {
                line.append(contentsOf: "\\N".unicodeScalars)
                continue
            }
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": line.append(contentsOf: "\\\\".unicodeScalars)
                case "\t": line.append(contentsOf: "\\t".unicodeScalars)
                case "\n": line.append(contentsOf: "\\n".unicodeScalars)
                case "\r": line.append(contentsOf: "\\r".unicodeScalars)
                default: line.append(scalar)
                }
            }
        }
        line.append("\n")
        return String(line)
    }

    /// Appends `value` to `line` as one field, escaped as `line(_:)` escapes it, with no tab or
    /// newline around it: for writing many rows straight into one buffer. Escapes bytes: the
    /// four escaped characters are ASCII, and no byte of a multi-byte UTF-8 sequence is ASCII.
    public static func appendField(_ value: String, to line: inout [UInt8]) {
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        }
        if plain == true {
            line.append(contentsOf: value.utf8)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
            case 0x09: line.append(contentsOf: [0x5C, 0x74])
            case 0x0A: line.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: line.append(contentsOf: [0x5C, 0x72])
            default: line.append(byte)
            }
        }
    }

    /// Appends `id` to `line` as one field: its 36 characters, lowercase (nothing to escape).
    public static func appendField(_ id: UUID, to line: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: id.uuid) { bytes in
            hex.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 { line.append(0x2D) }
                    line.append(digits[Int(byte >> 4)])
                    line.append(digits[Int(byte & 0x0F)])
                }
            }
        }
    }
}

