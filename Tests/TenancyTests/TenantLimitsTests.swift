import EventStore
import Foundation
import Synchronization
import Tenancy
import TestSupport
import Testing

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(by duration: Duration) {
        instant.withLock { $0 = $0.advanced(by: duration) }
    }
}

@Suite("Per-tenant limits")
struct TenantLimitsTests {
    let limits = TenantLimits(maximumEventsPerAppend: 3, appendsPerSecond: 10, burst: 5)

    @Test("a burst passes, the next append is refused with when to retry, and time refills the bucket")
    func tokenBucket() async throws {
        let clock = ManualClock()
        let limits = self.limits
        let limiter = TenantRateLimiter(limits: { _ in limits }, now: { clock.now })
        let tenant = UUID()
        for _ in 0..<5 { try await limiter.admit(tenant: tenant, eventCount: 1) }
        let refused = await #expect(throws: TenantLimitError.self) { try await limiter.admit(tenant: tenant, eventCount: 1) }
        guard case let .rateLimited(_, rate, retryAfter) = refused else { Issue.record("got \(String(describing: refused))"); return }
        #expect(rate == 10)
        #expect(abs(retryAfter - 0.1) < 0.001)
        #expect(refused?.description.contains("retry after 0.100 s") == true)

        clock.advance(by: .milliseconds(100))
        try await limiter.admit(tenant: tenant, eventCount: 1)
        await #expect(throws: TenantLimitError.self) { try await limiter.admit(tenant: tenant, eventCount: 1) }
    }

    @Test("one tenant's burst does not touch another's")
    func noisyNeighbour() async throws {
        let clock = ManualClock()
        let limits = self.limits
        let limiter = TenantRateLimiter(limits: { _ in limits }, now: { clock.now })
        let (noisy, quiet) = (UUID(), UUID())
        for _ in 0..<5 { try await limiter.admit(tenant: noisy, eventCount: 1) }
        await #expect(throws: TenantLimitError.self) { try await limiter.admit(tenant: noisy, eventCount: 1) }
        for _ in 0..<5 { try await limiter.admit(tenant: quiet, eventCount: 1) }
    }

    @Test("an append over the events-per-append limit is refused, names the numbers, and writes nothing")
    func eventsPerAppend() async throws {
        try await withEventStore(role: .application) { store, _ async throws in
            let limits = self.limits
            let writer = LimitedEventWriter(store: store, limiter: TenantRateLimiter(limits: { _ in limits }))
            let tenant = UUID()
            let events = try (1...4).map { _ in try NewEvent(type: "Tick", dataJSON: "{}") }
            let error = await #expect(throws: TenantLimitError.self) {
                try await writer.append(events, to: "clock-1", tenant: tenant)
            }
            #expect(error == .tooManyEventsInAppend(tenant: tenant, limit: 3, given: 4))
            #expect(error?.description.contains("4 given, the limit is 3") == true)
            #expect(try await store.readStream("clock-1", tenant: tenant).isEmpty)
            try await writer.append(Array(events.prefix(3)), to: "clock-1", tenant: tenant)
            #expect(try await store.readStream("clock-1", tenant: tenant).count == 3)
        }
    }

    @Test("buckets that refilled are forgotten, so memory follows active tenants only")
    func idleBucketsForgotten() async throws {
        let clock = ManualClock()
        let limits = self.limits
        let limiter = TenantRateLimiter(limits: { _ in limits }, now: { clock.now })
        for _ in 0..<1023 { try await limiter.admit(tenant: UUID(), eventCount: 1) }
        #expect(await limiter.trackedTenantCount == 1023)
        clock.advance(by: .seconds(1))
        try await limiter.admit(tenant: UUID(), eventCount: 1)
        #expect(await limiter.trackedTenantCount == 1)
    }
}
