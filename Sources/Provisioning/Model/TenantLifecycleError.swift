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
}
