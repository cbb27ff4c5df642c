public import EventStore
public import FeatureFlags
public import Provisioning

/// The in-memory projections the request path reads: every flag, and every tenant with its
/// live API keys. Reading either is one atomic load; `LiveViewService` keeps each current
/// from the event feed.
public struct LiveViews: Sendable {
    public let flags: LiveView<FlagCatalog>
    public let directory: LiveView<TenantDirectory>

    public init(flags: LiveView<FlagCatalog>, directory: LiveView<TenantDirectory>) {
        self.flags = flags
        self.directory = directory
    }

    /// Both views over `store`, which must act as `tenantry_operator` (flags and tenants live
    /// under the control-plane tenant).
    public static func live(store: EventStore) -> LiveViews {
        LiveViews(flags: FlagCatalog.live(store: store), directory: TenantDirectory.live(store: store))
    }

    /// Reads everything deliverable now into both views: the server does this before it
    /// listens, so its first request already sees every flag and key.
    public func catchUp() async throws {
        try await flags.catchUp()
        try await directory.catchUp()
    }
}
