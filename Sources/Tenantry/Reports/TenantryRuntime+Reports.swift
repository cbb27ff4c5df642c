public import Provisioning
public import Foundation

extension TenantryRuntime {
    /// The self-serve funnel from the event store (see `FunnelReport`): what `tenantry report
    /// funnel` prints and the admin API serves.
    public func funnelReport(since: Date? = nil) async throws -> FunnelReport {
        try await FunnelReport.load(from: operatorEventStore, since: since)
    }
}
