public import Foundation

/// What `SignupAdmissions.admit` decided for one signup.
public enum SignupAdmission: Sendable, Hashable {
    /// The signup may go on; `id` marks it as claimed later.
    case admitted(id: UUID)
    /// Refused by `limit`; a slot frees up in `retryAfterSeconds`.
    case refused(limit: Limit, retryAfterSeconds: Int)

    /// The limit that refused a signup.
    public enum Limit: String, Sendable, Hashable {
        /// `SignupAdmissionPolicy.perWindow`.
        case perWindow = "per_window"
        /// `SignupAdmissionPolicy.unclaimed`.
        case unclaimed
    }
}
