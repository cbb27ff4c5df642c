/// Formats one row of PostgreSQL's COPY text format: tab-separated, `\N` for NULL, with
/// backslash, tab, newline and carriage return escaped.
public enum CopyTextRow {
    public static func line(_ values: [String?]) -> String {
        var line = ""
        for (index, value) in values.enumerated() {
            if index > 0 { line.append("\t") }
            guard let value else {
                line.append("\\N")
                continue
            }
            for character in value {
                switch character {
                case "\\": line.append("\\\\")
                case "\t": line.append("\\t")
                case "\n": line.append("\\n")
                case "\r": line.append("\\r")
                default: line.append(character)
                }
            }
        }
        line.append("\n")
        return line
    }
}
