import Crypto
import Foundation

/// A strong entity tag computed from a response body's exact bytes (SHA-256, first 128 bits,
/// hex), and the `If-None-Match` test of RFC 9110 §13.1.2.
public struct EntityTag: Sendable, Hashable {
    /// The tag without quotes or `W/`.
    public let opaqueTag: String

    public init(of body: [UInt8]) {
        opaqueTag = SHA256.hash(data: body).prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// The `ETag` header value: the quoted tag.
    public var headerValue: String { "\"\(opaqueTag)\"" }

    /// Whether `If-None-Match` (every line of it) matches this tag: `*`, or a listed tag equal
    /// under weak comparison (`W/"x"` matches `"x"`). No header: false.
    public func isMatched(byIfNoneMatch fieldValues: [String]) -> Bool {
        fieldValues.contains { value in
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" { return true }
            return Self.opaqueTags(in: trimmed).contains(opaqueTag)
        }
    }

    /// The opaque tags of a comma-separated entity-tag list, `W/` dropped. Commas inside quotes
    /// belong to a tag (RFC 9110 §8.8.3 allows them); a malformed element is skipped.
    static func opaqueTags(in list: String) -> [String] {
        var tags: [String] = []
        var rest = Substring(list)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard !rest.isEmpty else { return tags }
            if rest.hasPrefix("W/") { rest = rest.dropFirst(2) }
            guard rest.first == "\"" else {
                // Not an entity-tag: skip to the next element.
                rest = rest.drop { $0 != "," }
                continue
            }
            let afterQuote = rest.dropFirst()
            guard let closing = afterQuote.firstIndex(of: "\"") else { return tags }
            tags.append(String(afterQuote[..<closing]))
            rest = afterQuote[afterQuote.index(after: closing)...]
        }
    }
}
