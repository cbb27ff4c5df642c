public import Foundation

/// A pooled tenant's WebAssembly customization, on the control plane's
/// `tenantcustomization-<tenant id>` stream: which module (id, version, sha256) with which
/// settings judges the tenant's changes. The last event is the tenant's current assignment.
public enum TenantCustomizationEvent {
    public static let category = "tenantcustomization"

    /// `TenantCustomizationAssigned`: from now on, `customizationId@version` validates the
    /// tenant's changes with `settings` (none secret: pooled modules may have none).
    public struct Assigned: Codable, Sendable, Hashable {
        public static let type = "TenantCustomizationAssigned"
        /// The pooled tenant.
        public let tenantId: UUID
        /// The module's id and version.
        public let customizationId: String
        public let version: String
        /// The module's bytes, `sha256:<hex>`.
        public let module: String
        /// Normalized, defaults filled in.
        public let settings: [String: String]
    }

    /// `TenantCustomizationRemoved`: the tenant's changes are no longer judged by a module.
    public struct Removed: Codable, Sendable, Hashable {
        public static let type = "TenantCustomizationRemoved"
        /// The tenant, and the module it carried until now.
        public let tenantId: UUID
        public let customizationId: String
    }
}
