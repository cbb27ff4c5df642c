/// Escaping for text put into HTML: element content and quoted attribute values alike.
///
/// Everything a page shows that did not come from this file (an organisation name, an email,
/// an error message that quotes input, a host name) goes through `escape`, so no input can
/// open a tag, close an attribute or start an entity.
enum HTMLEscaping {
    /// `text` with `& < > " '` as character references.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
