public import Foundation

/// A tenant went past one of its `TenantLimits`; nothing was written.
public enum TenantLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooManyEventsInAppend(tenant: UUID, limit: Int, given: Int)
    /// Appending faster than the tenant's rate; retrying after `retryAfter` seconds succeeds.
    case rateLimited(tenant: UUID, appendsPerSecond: Double, retryAfter: Double)

    public var description: String {
        switch self {
        case let .tooManyEventsInAppend(tenant, limit, given):
            "too many events in one append for tenant \(tenant.uuidString.lowercased()): \(given) given, the limit is \(limit)"
        case let .rateLimited(tenant, rate, retryAfter):
            "tenant \(tenant.uuidString.lowercased()) is appending faster than its limit of \(rate.formatted()) appends/s; retry after \(String(format: "%.3f", retryAfter)) s"
        }
    }
}
