/// Why a module cannot be assigned to a tenant.
public enum PooledCustomizationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tenant is not an active or suspended pooled tenant.
    case notPooled(String)
    /// The module may not run in the shared deployment.
    case notPoolable(reference: String, problem: String)

    public var description: String {
        switch self {
        case .notPooled(let slug): "tenant \(slug) is not an active pooled tenant: a dedicated tenant's instance runs its own customization"
        case .notPoolable(let reference, let problem): "\(reference) cannot be assigned to a pooled tenant: \(problem)"
        }
    }
}
