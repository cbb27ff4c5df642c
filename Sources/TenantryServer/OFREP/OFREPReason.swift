public import FeatureFlags

/// The resolution reasons OFREP's `evaluationSuccess.reason` enum allows.
public enum OFREPReason: String, Sendable, Hashable, CaseIterable {
    case `static` = "STATIC"
    case targetingMatch = "TARGETING_MATCH"
    case split = "SPLIT"
    case disabled = "DISABLED"
    case unknown = "UNKNOWN"

    /// Tenantry's reason in OFREP's terms. DEFAULT (the flag has targeting, nothing matched, so
    /// its default variant) is not in OFREP's enum: it goes out as STATIC, which is what the
    /// configured default is for this context, and `OFREPEvaluation` keeps the original in the
    /// metadata as `tenantry.reason`. ERROR never reaches here (errors have an error code).
    public init(_ reason: EvaluationReason) {
        switch reason {
        case .static, .default: self = .static
        case .targetingMatch: self = .targetingMatch
        case .split: self = .split
        case .disabled: self = .disabled
        case .error: self = .unknown
        }
    }
}
