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
    /// Flag metadata: strings, numbers and booleans only, as OFREP's `metadata` schema allows.
    public let metadata: [String: JSONValue]

    /// The metadata key that keeps a reason OFREP has no name for (DEFAULT).
    public static let originalReasonKey = "tenantry.reason"

    /// The OFREP form of one of `FlagEvaluator`'s results.
    public init(_ result: EvaluationResult) {
        key = result.flagKey
        var metadata = result.metadata.filter { Self.isMetadataValue($0.value) }
        if let code = result.errorCode {
            outcome = .failure(OFREPErrorCode(code), details: result.errorMessage ?? code.rawValue)
        } else {
            if result.reason == .default { metadata[Self.originalReasonKey] = .string(result.reason.rawValue) }
            outcome = .success(value: result.value, reason: OFREPReason(result.reason), variant: result.variant)
        }
        self.metadata = metadata
    }

    /// A request that could not be evaluated at all (its body or context was refused).
    public init(key: String, failure: OFREPRequestError) {
        self.key = key
        outcome = .failure(failure.code, details: failure.details)
        metadata = [:]
    }

    /// The status of a single evaluation's response.
    public var status: HTTPResponse.Status {
        switch outcome {
        case .success: .ok
        case .failure(.flagNotFound, _): .notFound
        case .failure: .badRequest
        }
    }

    /// The body of a single evaluation's response.
    public var body: JSONValue {
        var members: [String: JSONValue] = ["key": .string(key)]
        switch outcome {
        case .success(let value, let reason, let variant):
            members["value"] = value
            members["reason"] = .string(reason.rawValue)
            members["variant"] = variant.map(JSONValue.string)
        case .failure(let code, let details):
            members["errorCode"] = .string(code.rawValue)
            members["errorDetails"] = .string(details)
        }
        if !metadata.isEmpty { members["metadata"] = .object(metadata) }
        return .object(members)
    }

    /// The item of a bulk response. A bulk evaluation covers existing flags only, so
    /// FLAG_NOT_FOUND cannot happen there; `evaluationFailure` does not allow it, so it would go
    /// out as GENERAL.
    public var bulkItem: JSONValue {
        guard case .failure(.flagNotFound, let details) = outcome else { return body }
        var members: [String: JSONValue] = [
            "key": .string(key), "errorCode": .string(OFREPErrorCode.general.rawValue), "errorDetails": .string(details),
        ]
        if !metadata.isEmpty { members["metadata"] = .object(metadata) }
        return .object(members)
    }

    private static func isMetadataValue(_ value: JSONValue) -> Bool {
        switch value {
        case .bool, .integer, .double, .string: true
        case .null, .array, .object: false
        }
    }
}
