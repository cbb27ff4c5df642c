import EventStore
public import FeatureFlags
public import Hummingbird

/// One flag's evaluation in OFREP's shapes: `evaluationSuccess` (200), `evaluationFailure`
/// (400) or `flagNotFound` (404).
///
/// | Tenantry | OFREP |
/// | --- | --- |
/// | value, variant, STATIC / TARGETING_MATCH / SPLIT / DISABLED | 200 with the same reason |
/// | DEFAULT | 200, reason UNKNOWN, metadata `tenantry.reason: DEFAULT` |
/// | the caller's own default (no default variant; a flagd flag switched off) | 200 without `value` and `variant` (OFREP's `codeDefaultFlag`) |
/// | FLAG_NOT_FOUND | 404 `flagNotFound` |
/// | PARSE_ERROR, TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL | 400 `evaluationFailure` |
/// | TYPE_MISMATCH (never: no type is asked for) | 400 GENERAL |
public struct OFREPEvaluation: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Without a value (and variant) the provider uses the code default.
        case success(value: JSONValue?, reason: OFREPReason, variant: String?)
        case failure(OFREPErrorCode, details: String)
    }

    public let key: String
    public let outcome: Outcome
    /// The flag's metadata as the evaluation gave it; only its strings, numbers and booleans
    /// are written, as OFREP's `metadata` schema allows.
    public let metadata: [String: JSONValue]
    /// A reason OFREP has no name for (DEFAULT), kept in the metadata as `tenantry.reason`.
    let originalReason: String?

    /// The metadata key that keeps a reason OFREP has no name for (DEFAULT).
    public static let originalReasonKey = "tenantry.reason"

    /// The OFREP form of one of `FlagEvaluator`'s results.
    public init(_ result: EvaluationResult) {
        key = result.flagKey
        metadata = result.metadata
        if let code = result.errorCode {
            outcome = .failure(OFREPErrorCode(code), details: result.errorMessage ?? code.rawValue)
            originalReason = nil
        } else {
            outcome = .success(value: result.value, reason: OFREPReason(result.reason), variant: result.variant)
            originalReason = result.reason == .default ? result.reason.rawValue : nil
        }
    }

    /// A request that could not be evaluated at all (its body or context was refused).
    public init(key: String, failure: OFREPRequestError) {
        self.key = key
        outcome = .failure(failure.code, details: failure.details)
        metadata = [:]
        originalReason = nil
    }

    /// The status of a single evaluation's response.
    public var status: HTTPResponse.Status {
        switch outcome {
        case .success: .ok
        case .failure(.flagNotFound, _): .notFound
        case .failure: .badRequest
        }
    }

    /// The body of a single evaluation's response: compact JSON, keys sorted (as `JSONWriter`
    /// writes an object).
    public var body: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        append(to: &output, asBulkItem: false)
        return output
    }

    /// Appends this evaluation as JSON to `output`, written field by field with no dictionary
    /// built for it (a bulk response writes fifty of them per request): the body of a single
    /// evaluation, or with `asBulkItem` an item of a bulk response. A bulk evaluation covers
    /// existing flags only, so FLAG_NOT_FOUND cannot happen there; `evaluationFailure` does
    /// not allow it, so it would go out as GENERAL.
    public func append(to output: inout [UInt8], asBulkItem: Bool) {
        // Members in key order: errorCode, errorDetails, key, metadata, reason, value, variant.
        output.append(UInt8(ascii: "{"))
        switch outcome {
        case .success(let value, let reason, let variant):
            Self.appendMember("key", first: true, to: &output)
            JSONString.append(key, to: &output)
            appendMetadata(to: &output)
            Self.appendMember("reason", to: &output)
            JSONString.append(reason.rawValue, to: &output)
            if let value {
                Self.appendMember("value", to: &output)
                JSONWriter.append(value, to: &output)
            }
            if let variant {
                Self.appendMember("variant", to: &output)
                JSONString.append(variant, to: &output)
            }
        case .failure(let code, let details):
            let written = asBulkItem && code == .flagNotFound ? OFREPErrorCode.general : code
            Self.appendMember("errorCode", first: true, to: &output)
            JSONString.append(written.rawValue, to: &output)
            Self.appendMember("errorDetails", to: &output)
            JSONString.append(details, to: &output)
            Self.appendMember("key", to: &output)
            JSONString.append(key, to: &output)
            appendMetadata(to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// `,"metadata":{…}` with the members OFREP allows, sorted, when there are any.
    private func appendMetadata(to output: inout [UInt8]) {
        if metadata.isEmpty {
            // The common case: a flag without metadata served by its default.
            guard let originalReason else { return }
            Self.appendMember("metadata", to: &output)
            output.append(UInt8(ascii: "{"))
            Self.appendMember(Self.originalReasonKey, first: true, to: &output)
            JSONString.append(originalReason, to: &output)
            output.append(UInt8(ascii: "}"))
            return
        }
        var members = metadata.filter { Self.isMetadataValue($0.value) }.map { (key: $0.key, value: $0.value) }
        if let originalReason {
            // Written in place of a flag's own member of that name, never beside it.
            members.removeAll { $0.key == Self.originalReasonKey }
            members.append((Self.originalReasonKey, .string(originalReason)))
        }
        guard !members.isEmpty else { return }
        members.sort { $0.key < $1.key }
        Self.appendMember("metadata", to: &output)
        output.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            Self.appendMember(member.key, first: index == 0, to: &output)
            JSONWriter.append(member.value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// `"name":`, after a comma unless it is the object's first member.
    private static func appendMember(_ name: String, first: Bool = false, to output: inout [UInt8]) {
        if !first { output.append(UInt8(ascii: ",")) }
        JSONString.append(name, to: &output)
        output.append(UInt8(ascii: ":"))
    }

    private static func isMetadataValue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool, .integer, .double, .string: true
        case .null, .array, .object: false
        }
    }
}
