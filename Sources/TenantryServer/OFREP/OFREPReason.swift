public import FeatureFlags

/// The resolution reasons OFREP's `evaluationSuccess.reason` enum allows.
public enum OFREPReason: String, Sendable, Hashable, CaseIterable {
    case `static` = "STATIC"
    case targetingMatch = "TARGETING_MATCH"
    case split = "SPLIT"
    case disabled = "DISABLED"
    case unknown = "UNKNOWN"

    /// Tenantry's reason in OFREP's terms. DEFAULT (the flag has targeting, nothing matched, so
    /// its default variant) is not in OFREP's enum. It must not go out as STATIC: that tells a
    /// provider the value does not depend on the context (some cache only STATIC answers), and
    /// here another context may well match. So it goes out as UNKNOWN, and `OFREPEvaluation`
    /// keeps the original in the metadata as `tenantry.reason`. ERROR never reaches here
    /// (errors have an error code).
    public init(_ reason: EvaluationReason) {
        switch reason {
        case .static: self = .static
        case .default: self = .unknown
        case .targetingMatch: self = .targetingMatch
        case .split: self = .split
        case .disabled: self = .disabled
        case .error: self = .unknown
        }
    }
}
