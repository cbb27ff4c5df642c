public import Foundation
public import PostgresClient

/// One operation at a time per tenant among those that move its data or retire a copy of it:
/// a move between cells, a move to a database of its own, an offboarding, a purge. Each holds a
/// session advisory lock `(727501, tenant)` on the control plane while it works, so none acts
/// on a placement another is about to switch.
public enum TenantMoveLock {
    public static let namespace: Int32 = 727_501

    /// Runs `body` holding the tenant's lock on a connection of its own to `controlPlane`;
    /// waits for another holder (up to `PostgresConfiguration.lockWaitTimeout`).
    public static func withLock<Value: Sendable>(
        on controlPlane: PostgresConfiguration, tenant: UUID, _ body: () async throws -> Value
    ) async throws -> Value {
        try await PostgresConnection.withAdvisoryLock(controlPlane, namespace: namespace, key: tenant.uuidString.lowercased(), body)
    }
}
