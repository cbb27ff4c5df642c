public import AdminTokens
public import EventStore
public import FeatureFlags
public import Provisioning
import Tenantry

/// The in-memory projections the request path reads: every flag, every tenant with its live
/// API keys, and every admin token. Reading one is one atomic load; `LiveViewWorker` keeps
/// each current from the event feed.
public struct LiveViews: Sendable {
    /// Every flag of the control plane (`FlagCatalog.live`).
    public let flags: LiveView<FlagCatalog>
    /// Every tenant with its live API keys' SHA-256 (`TenantDirectory.live`).
    public let directory: LiveView<TenantDirectory>
    /// Every admin token's SHA-256 (`AdminTokenDirectory.live`).
    public let adminTokens: LiveView<AdminTokenDirectory>

    /// The views the server reads; `live(store:)` makes the usual three over one store.
    public init(flags: LiveView<FlagCatalog>, directory: LiveView<TenantDirectory>, adminTokens: LiveView<AdminTokenDirectory>) {
        self.flags = flags
        self.directory = directory
        self.adminTokens = adminTokens
    }

    /// The views over `store`, which must act as `tenantry_operator` (flags, tenants and admin
    /// tokens live under the control-plane tenant).
    public static func live(store: EventLog) -> LiveViews {
        LiveViews(
            flags: FlagCatalog.live(store: store), directory: TenantDirectory.live(store: store),
            adminTokens: AdminTokenDirectory.live(store: store)
        )
    }

    /// Reads everything committed now into the views, waiting up to `timeout` in all for events
    /// held back by an older transaction still running (after it, the views take them as the
    /// feed delivers them): the server does this before it listens, so its first request
    /// already sees every flag, key and token committed before it started.
    public func catchUp(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        try await flags.catchUpWithCommittedWrites(timeout: ContinuousClock.now.duration(to: deadline))
        try await directory.catchUpWithCommittedWrites(timeout: ContinuousClock.now.duration(to: deadline))
        try await adminTokens.catchUpWithCommittedWrites(timeout: ContinuousClock.now.duration(to: deadline))
    }
}
