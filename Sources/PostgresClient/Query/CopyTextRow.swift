/// Formats one row of PostgreSQL's COPY text format: tab-separated, `\N` for NULL, with
/// backslash, tab, newline and carriage return escaped.
public enum CopyTextRow {
    /// One line (ending in a newline) holding `values` in order; nil is NULL.
    ///
    /// Escapes Unicode scalars, not `Character`s: CR LF is one grapheme cluster, equal to
    /// neither `"\r"` nor `"\n"`, and a control character followed by a combining mark is
    /// another; COPY reads bytes, so every scalar must be looked at on its own.
    public static func line(_ values: [String?]) -> String {
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
