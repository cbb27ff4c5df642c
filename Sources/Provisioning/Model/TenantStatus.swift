/// Where a tenant is in its life.
public enum TenantStatus: String, Sendable, Codable, Hashable, CustomStringConvertible {
    case provisioning
    case active
    case suspended
    case offboarded
    /// Provisioning failed; its steps were compensated.
    case failed

    public var description: String { rawValue }
}
