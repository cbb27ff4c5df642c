/// Why an evaluation returned what it did: OpenFeature's resolution reasons.
public enum EvaluationReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The flag has no targeting: every context gets the default variant.
    case `static` = "STATIC"
    /// An override, a rule or a plan entitlement chose the variant.
    case targetingMatch = "TARGETING_MATCH"
    /// The percentage rollout chose the variant.
    case split = "SPLIT"
    /// The flag is switched off (kill switch): the default variant.
    case disabled = "DISABLED"
    /// The flag has targeting but nothing matched (or a prerequisite failed): the default.
    case `default` = "DEFAULT"
    /// Evaluation failed; see the error code.
    case error = "ERROR"
}

/// OpenFeature's evaluation error codes.
public enum EvaluationErrorCode: String, Sendable, Hashable, Codable, CaseIterable {
    case flagNotFound = "FLAG_NOT_FOUND"
    /// The caller asked for a type the flag does not have.
    case typeMismatch = "TYPE_MISMATCH"
    /// The request or context could not be parsed.
    case parseError = "PARSE_ERROR"
    /// A rollout needed a targeting key (or its bucket attribute) and the context had none.
    case targetingKeyMissing = "TARGETING_KEY_MISSING"
    case invalidContext = "INVALID_CONTEXT"
    case general = "GENERAL"
}

/// One flag's evaluation: value, variant and reason, or an error code.
public struct EvaluationResult: Sendable, Hashable {
    public let flagKey: String
    /// Nil when `errorCode` is set, or when the caller's own default applies (`usesCallerDefault`).
    public let value: JSONValue?
    public let variant: String?
    public let reason: EvaluationReason
    public let errorCode: EvaluationErrorCode?
    public let errorMessage: String?
    /// The flag's metadata (owner, ticket, …).
    public let metadata: [String: JSONValue]

    init(flagKey: String, value: JSONValue, variant: String, reason: EvaluationReason, metadata: [String: JSONValue]) {
        self.flagKey = flagKey
        self.value = value
        self.variant = variant
        self.reason = reason
        self.errorCode = nil
        self.errorMessage = nil
        self.metadata = metadata
    }

    /// A result without a value: the caller's own default applies (OFREP's code default).
    init(flagKey: String, callerDefaultWith reason: EvaluationReason, metadata: [String: JSONValue]) {
        self.flagKey = flagKey
        self.value = nil
        self.variant = nil
        self.reason = reason
        self.errorCode = nil
        self.errorMessage = nil
        self.metadata = metadata
    }

    /// Whether the caller should use its own default: no error, and no value (a flag without a
    /// default variant that nothing decided, or a flagd flag switched off).
    public var usesCallerDefault: Bool { value == nil && errorCode == nil }

    init(flagKey: String, error: EvaluationErrorCode, message: String, metadata: [String: JSONValue] = [:]) {
        self.flagKey = flagKey
        self.value = nil
        self.variant = nil
        self.reason = .error
        self.errorCode = error
        self.errorMessage = message
        self.metadata = metadata
    }
}
