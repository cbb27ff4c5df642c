public import EventStore
public import Extensions
public import Foundation

/// What a server started with `--instance <tenant>` serves: that tenant only, with the
/// customization its deployment names.
public struct InstanceScope: Sendable {
    public let tenantID: UUID
    public let slug: String
    public let customization: CustomizationHost
    /// The tenant's dedicated database, on the instance's own login: where the customization's
    /// reactions read the tenant's events and keep their checkpoints.
    public let tenantStore: EventLog

    public init(tenantID: UUID, slug: String, customization: CustomizationHost, tenantStore: EventLog) {
        self.tenantID = tenantID
        self.slug = slug
        self.customization = customization
        self.tenantStore = tenantStore
    }
}
