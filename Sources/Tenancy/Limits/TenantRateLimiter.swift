public import Foundation

/// Admits or refuses each tenant's appends by its `TenantLimits`: a token bucket per tenant,
/// in this process. Buckets that have refilled completely are forgotten, so memory follows the
/// number of tenants active in the last few seconds, not all tenants ever seen.
public actor TenantRateLimiter {
    private let limits: @Sendable (UUID) -> TenantLimits
    private let now: @Sendable () -> ContinuousClock.Instant
    private var buckets: [UUID: TokenBucket] = [:]
    private var admissionsSinceSweep = 0

    /// `limits` gives each tenant's limits (e.g. from its plan); `now` is the clock (tests pass
    /// their own).
    public init(
        limits: @escaping @Sendable (UUID) -> TenantLimits = { _ in .standard },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.limits = limits
        self.now = now
    }

    /// Checks one append of `eventCount` events for `tenant`; throws `TenantLimitError` and
    /// takes nothing when it is refused.
    public func admit(tenant: UUID, eventCount: Int) throws(TenantLimitError) {
        let limits = self.limits(tenant)
        guard eventCount <= limits.maximumEventsPerAppend else {
            throw .tooManyEventsInAppend(tenant: tenant, limit: limits.maximumEventsPerAppend, given: eventCount)
        }
        let instant = now()
        var bucket = buckets[tenant] ?? TokenBucket(capacity: limits.burst, rate: limits.appendsPerSecond, now: instant)
        let outcome = bucket.take(now: instant)
        buckets[tenant] = bucket
        sweepNow(at: instant)
        if case .failure(let wait) = outcome {
            throw .rateLimited(tenant: tenant, appendsPerSecond: limits.appendsPerSecond, retryAfter: wait.seconds)
        }
    }

    /// The number of tenants with a bucket in memory (for tests and metrics).
    public var trackedTenantCount: Int { buckets.count }

    private func sweepNow(at instant: ContinuousClock.Instant) {
        admissionsSinceSweep += 1
        guard admissionsSinceSweep >= 1024 else { return }
        admissionsSinceSweep = 0
        buckets = buckets.filter { !$0.value.isFull(at: instant) }
    }
}
