import Foundation
public import Hummingbird

extension Request {
    /// The declared media type, lower-cased, without parameters (`application/json` of
    /// `application/json; charset=utf-8`); nil without a Content-Type. Parsed here rather than
    /// with Hummingbird's `MediaType`, which stops at a `.` (`application/vnd.x+json`).
    var declaredMediaType: String? {
        guard let header = headers[.contentType] else { return nil }
        let essence = header.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        return essence.isEmpty ? nil : essence
    }

    /// 415 unsupported-media-type unless the body is declared JSON (`application/json`, or an
    /// `application/…+json` type): a JSON route reads nothing it was not told is JSON.
    public func requireJSONContentType() throws(ProblemDetails) {
        if let type = declaredMediaType, type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) {
            return
        }
        throw ProblemDetails.unsupportedMediaType(headers[.contentType], expected: "application/json")
    }
}
