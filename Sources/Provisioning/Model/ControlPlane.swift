public import Foundation
import EventStore

/// The control plane's place in the event store: the reserved tenant id under which the
/// platform records what is not any one tenant's (the tenant registry, slug claims, signups).
public enum ControlPlane {
    /// `00000000-0000-0000-0000-000000000000`: no tenant ever gets it (tenant ids are random v4).
    public static let tenantID = EventLog.controlPlaneTenantID
}
