public import EventStore
public import Foundation

/// Appends for tenants through their limits: the tenant-facing way to write events.
///
/// A refused append throws `TenantLimitError` before anything reaches the database.
public struct LimitedEventWriter: Sendable {
    public let store: EventLog
    public let limiter: TenantRateLimiter

    public init(store: EventLog, limiter: TenantRateLimiter) {
        self.store = store
        self.limiter = limiter
    }

    @discardableResult
    public func append(
        _ events: [NewEvent],
        to stream: StreamName,
        tenant: UUID,
        expectedVersion: ExpectedVersion = .any
    ) async throws -> AppendResult {
        try await limiter.admit(tenant: tenant, eventCount: events.count)
        return try await store.append(events, to: stream, tenant: tenant, expectedVersion: expectedVersion)
    }
}
