/// Why tenant-scoped work was refused.
public enum TenancyError: Error, Sendable, CustomStringConvertible {
    /// Tenant-scoped SQL was attempted with no tenant set on the task.
    case noTenantContext

    public var description: String {
        switch self {
        case .noTenantContext:
            "no tenant context: tenant-scoped work must run inside TenantContext.run(as:)"
        }
    }
}
