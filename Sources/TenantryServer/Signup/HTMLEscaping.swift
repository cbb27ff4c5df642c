/// Escaping for text put into HTML: element content and quoted attribute values alike.
///
/// Everything a page shows that did not come from this file (an organisation name, an email,
/// an error message that quotes input, a host name) goes through `escape`, so no input can
/// open a tag, close an attribute or start an entity.
enum HTMLEscaping {
    /// `text` with `& < > " '` as character references.
    ///
    /// Works on Unicode scalars, not `Character`s: `"` followed by a combining mark is one
    /// grapheme cluster that is not equal to `"`, yet an HTML parser sees the quote and ends the
    /// attribute there.
    static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
