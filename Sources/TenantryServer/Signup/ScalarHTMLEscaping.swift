import Mustache

/// How the signup templates escape every `{{value}}`: `& < > " '` as character references,
/// decided per Unicode scalar.
///
/// swift-mustache 2.1.1's own HTML escaping looks at `Character`s: `"` followed by a combining
/// mark (U+0301) is one grapheme cluster that is not equal to `"`, so it passes unescaped, yet
/// an HTML parser sees the quote and ends the attribute there (`SignupPageTests`,
/// "combining mark"). This content type is registered with the library and named by every
/// signup template (`SignupTemplates`), so the library still does all the escaping, once.
struct ScalarHTMLEscaping: MustacheContentType {
    /// The name templates give it: `{{% CONTENT_TYPE: HTML_SCALARS }}`.
    static let name = "HTML_SCALARS"

    func escapeText(_ text: String) -> String {
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
