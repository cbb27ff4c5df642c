import FeatureFlags
import Foundation
public import Hummingbird

extension Request {
    /// The body read (up to the context's limit: larger is 413, at once when `Content-Length`
    /// says so) and decoded as `Body`; a body that is not JSON, not an object, holds text the
    /// database cannot store (U+0000), or lacks or mistypes a field (a number that does not fit
    /// an integer field included) is a 400 `invalid-request` problem naming the field, so
    /// nothing unvalidated gets further.
    public func decodeJSON<Body: Decodable>(as type: Body.Type, context: some RequestContext) async throws -> Body {
        let buffer = try await readBody(context: context)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw ProblemDetails.invalidRequest("the request body is empty; send a JSON object") }
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ProblemDetails.invalidRequest("the request body is not valid JSON")
        }
        guard case .object = document else { throw ProblemDetails.invalidRequest("the request body must be a JSON object") }
        if let field = document.firstUnstorableText() { throw ProblemDetails.unstorableText(field: field) }
        do {
            return try JSONValueDecoder().decode(Body.self, from: document)
        } catch let error as DecodingError {
            throw ProblemDetails.invalidRequest(Self.explain(error), field: Self.field(of: error))
        }
    }

    /// The JSON path of the field a decoding error is about (`plan`, `rules[2].variant`).
    static func field(of error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: return nil
        }
        guard !path.isEmpty else { return nil }
        return path.enumerated().map { index, key in
            if let position = key.intValue { return "[\(position)]" }
            return index == 0 ? key.stringValue : "." + key.stringValue
        }.joined()
    }

    static func explain(_ error: DecodingError) -> String {
        let field = field(of: error).map { "\"\($0)\"" } ?? "the body"
        switch error {
        case .keyNotFound: return "\(field) is missing"
        case .typeMismatch(let expected, _): return "\(field) must be \(describe(expected))"
        case .valueNotFound(let expected, _): return "\(field) must be \(describe(expected)), not null"
        case .dataCorrupted(let context): return "\(field): \(context.debugDescription)"
        @unknown default: return "\(field) is not valid"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [JSONValue].Type: "an array"
        case is [String: JSONValue].Type: "an object"
        default: "a \(type)"
        }
    }
}
