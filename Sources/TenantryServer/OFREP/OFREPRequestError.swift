public import FeatureFlags

/// Why an OFREP request body could not give an evaluation context: PARSE_ERROR (not JSON, not
/// an object) or INVALID_CONTEXT (no `context` object, or one Tenantry refuses).
public struct OFREPRequestError: Error, Sendable, Hashable {
    public let code: OFREPErrorCode
    public let details: String

    public init(_ code: OFREPErrorCode, _ details: String) {
        self.code = code
        self.details = details
    }

    /// The body of a refused bulk request (`bulkEvaluationFailure`).
    public var bulkBody: JSONValue {
        .object(["errorCode": .string(code.rawValue), "errorDetails": .string(details)])
    }
}
