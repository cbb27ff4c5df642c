/// A tenant as `TenantService.loadTenant` found it, and what loading it took: a load starts
/// from the tenant's latest snapshot and reads only the events after it.
public struct TenantLoad: Sendable {
    /// The tenant, or nil if it was never registered.
    public let state: TenantState?
    /// The stream version of the snapshot the load started from; 0 when there was none.
    public let snapshotVersion: Int64
    /// How many events it read after the snapshot.
    public let eventsRead: Int
    /// Whether it wrote a new snapshot (it had folded `TenantSnapshots.interval` events or more).
    public let wroteSnapshot: Bool
}
