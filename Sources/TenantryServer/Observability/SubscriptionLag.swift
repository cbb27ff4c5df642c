import EventStore
import Provisioning

/// How far behind the event feed each subscription the server depends on is: the three live
/// views (flag catalog, tenant directory, admin tokens), the provisioning saga and the tenant
/// registry (`TenantsProjection`, which the sweep, listings and commands catch up).
///
/// A view's lag is the events of any tenant after its in-memory cursor that are deliverable
/// now (its cursor moves past the events it skips, so a current view has none); the saga's and
/// the registry's are the control plane's tenant events after their stored checkpoints. Each is one bounded index
/// read (`EventLog.backlog`), counted up to a limit, so measuring is cheap however far a
/// subscription fell behind; readiness and `/metrics` both measure with it.
struct SubscriptionLag: Sendable {
    /// One subscription's measurement.
    struct Measurement: Sendable {
        /// `flag-catalog`, `tenant-directory`, `admin-tokens`, `provisioning-saga` or
        /// `tenant-registry`.
        let name: String
        /// Events it has still to handle, at most the limit measured with.
        let behind: Int
        /// Whether it has ever read up to the feed's end (a live view before its first
        /// catch-up has not); the saga always has.
        let hasCaughtUp: Bool
    }

    let views: LiveViews
    /// Acting as `tenantry_operator`: the saga's checkpoint is placed in the feed of every tenant.
    /// (On a single-tenant instance, its own login: only the flags and its tenant are measured.)
    let operatorStore: EventLog
    /// Whether the server is a single-tenant instance, which follows only the flag catalog and
    /// its own tenant (it has no admin API and runs no saga, and may not read their streams).
    var servesInstance = false

    /// The names `measure` reports, in its order.
    static let names = ["flag-catalog", "tenant-directory", "admin-tokens", "provisioning-saga", "tenant-registry"]
    /// The names `measure` reports on a single-tenant instance.
    static let instanceNames = ["flag-catalog", "tenant-directory"]
    /// Those that follow the control plane, which only a server that provisions has.
    static let controlPlaneNames: Set<String> = ["provisioning-saga", "tenant-registry"]

    /// The names this measurement reports.
    var names: [String] { servesInstance ? Self.instanceNames : Self.names }

    /// Measures every subscription, counting each one's backlog up to `limit`; throws what the
    /// database throws.
    func measure(limit: Int) async throws -> [Measurement] {
        var measurements = [
            try await measure(views.flags, name: "flag-catalog", limit: limit),
            try await measure(views.directory, name: "tenant-directory", limit: limit),
        ]
        guard !servesInstance else { return measurements }
        measurements.append(try await measure(views.adminTokens, name: "admin-tokens", limit: limit))
        measurements.append(Measurement(
            name: "provisioning-saga",
            behind: try await controlPlaneBacklog(after: ProvisioningProcessManager.checkpointName, limit: limit),
            hasCaughtUp: true
        ))
        measurements.append(Measurement(
            name: "tenant-registry",
            behind: try await controlPlaneBacklog(after: TenantsProjection.checkpointName, limit: limit),
            hasCaughtUp: true
        ))
        return measurements
    }

    /// The control plane's tenant events (what `ProvisioningProcessManager` and
    /// `TenantsProjection` follow) after a stored checkpoint, shared by every runner on the
    /// database.
    private func controlPlaneBacklog(after checkpointName: String, limit: Int) async throws -> Int {
        let checkpoint = try await CheckpointStore(pool: operatorStore.pool).load(checkpointName) ?? .start
        return try await operatorStore.backlog(after: checkpoint, tenant: ControlPlane.tenantID, category: "tenant", limit: limit)
    }

    private func measure<State>(_ view: LiveView<State>, name: String, limit: Int) async throws -> Measurement {
        // Read the flag before the cursor: a view that caught up between the two reads is not
        // reported as never having caught up with a cursor that says otherwise.
        let hasCaughtUp = view.isCaughtUp
        let behind = try await view.store.backlog(after: view.cursor, limit: limit)
        return Measurement(name: name, behind: behind, hasCaughtUp: hasCaughtUp)
    }
}
