/// Why a tenant command was refused; nothing was written.
public enum TenantLifecycleError: Error, Sendable, Equatable, CustomStringConvertible {
    case illegalTransition(slug: String, from: TenantStatus, action: String)
    case invalidInput(String)
    case notFound(String)
    case planNotAllowed(slug: String, plan: Plan, reason: String)

    public var description: String {
        switch self {
        case let .illegalTransition(slug, from, action):
            "cannot \(action) tenant \(slug): it is \(from)"
        case .invalidInput(let message):
            message
        case .notFound(let what):
            "no tenant \(what)"
        case let .planNotAllowed(slug, plan, reason):
            "tenant \(slug) cannot move to plan \(plan): \(reason)"
        }
    }

    /// The `planNotAllowed` reason of a move to the plan the tenant is on.
    public static let alreadyOnPlanReason = "it is on that plan already"

    /// Whether this refuses a move to the plan the tenant is on already (nothing to change,
    /// rather than a plan the tenant may not have).
    public var isPlanUnchanged: Bool {
        if case let .planNotAllowed(_, _, reason) = self { return reason == Self.alreadyOnPlanReason }
        return false
    }
}
