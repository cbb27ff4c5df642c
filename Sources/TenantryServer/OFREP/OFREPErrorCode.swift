public import FeatureFlags

/// The error codes OFREP allows: the four of `evaluationFailure` (400, and bulk items) and
/// FLAG_NOT_FOUND of `flagNotFound` (404 of a single evaluation only).
public enum OFREPErrorCode: String, Sendable, Hashable, CaseIterable {
    case parseError = "PARSE_ERROR"
    case targetingKeyMissing = "TARGETING_KEY_MISSING"
    case invalidContext = "INVALID_CONTEXT"
    case general = "GENERAL"
    case flagNotFound = "FLAG_NOT_FOUND"

    /// Tenantry's error code in OFREP's terms. TYPE_MISMATCH is not OFREP's (OFREP carries no
    /// type, so the client detects a mismatch); the server never asks for a type, so it cannot
    /// occur, and would go out as GENERAL if it did.
    public init(_ code: EvaluationErrorCode) {
        switch code {
        case .flagNotFound: self = .flagNotFound
        case .parseError: self = .parseError
        case .targetingKeyMissing: self = .targetingKeyMissing
        case .invalidContext: self = .invalidContext
        case .general, .typeMismatch: self = .general
        }
    }
}
