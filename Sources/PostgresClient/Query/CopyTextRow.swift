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
}
