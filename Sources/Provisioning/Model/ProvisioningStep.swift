/// The steps of provisioning a tenant, in order. Each is recorded when done, so a provisioning
/// that stopped half-way resumes at the first step not recorded.
public enum ProvisioningStep: String, Sendable, Codable, CaseIterable, Hashable, CustomStringConvertible {
    /// Nothing for a pooled tenant; its own database, created and migrated, for a dedicated one.
    case allocateStorage
    /// The plan's entitlements.
    case seedEntitlements
    /// The tenant's first API key.
    case issueAPIKey
    /// Active, with the trial started when the plan is the trial.
    case activate

    public var description: String { rawValue }
}
