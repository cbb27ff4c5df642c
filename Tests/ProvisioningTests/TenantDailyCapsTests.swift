import EventStore
import Foundation
import Provisioning
import RuntimeTestSupport
import Tenantry
import TestSupport
import Testing

@Suite("Daily caps: decided from the tenant's own events, so every server refuses alike")
struct TenantDailyCapsTests {
    @Test("a second service over the same store (another server) refuses the change the first one's count reached; without caps nothing is refused")
    func capsHoldAcrossServices() async throws {
        try await withTestRuntime { runtime, _ async throws in
            let (tenant, _) = try await APIKeyTests.createTenant(runtime)
            let caps = TenantDailyCaps(apiKeyChanges: 3, planChanges: 1)
            let first = TenantService(store: runtime.operatorEventStore)
            let second = TenantService(store: runtime.operatorEventStore)
            // Provisioning's key is the first change of the day.
            _ = try await first.issueAPIKey(tenant.id, label: "a", caps: caps, actor: "api-key:x")
            _ = try await second.issueAPIKey(tenant.id, label: "b", caps: caps, actor: "api-key:x")
            let refused = await #expect(throws: TenantCapError.self) {
                _ = try await first.issueAPIKey(tenant.id, label: "c", caps: caps, actor: "api-key:x")
            }
            guard case let .dailyCapReached(_, kind, limit, retryAfter) = refused else { return }
            #expect(kind == .apiKey && limit == 3)
            #expect(retryAfter >= 1 && retryAfter <= 86_400)

            _ = try await second.changePlan(tenant.id, to: .pro, actor: "api-key:x", selfServe: true, caps: caps)
            await #expect(throws: TenantCapError.self) {
                _ = try await first.changePlan(tenant.id, to: .free, actor: "api-key:x", selfServe: true, caps: caps)
            }
            // An operator's command passes no caps.
            let moved = try await first.changePlan(tenant.id, to: .free, actor: "operator:test")
            #expect(moved.plan == .free)
            #expect(moved.dailyChanges.count(of: .plan, on: Date()) == 2)
        }
    }

    @Test("the day a change counts on ends at UTC midnight")
    func countsPerDay() {
        let changes = TenantDailyChanges()
        #expect(changes.count(of: .apiKey, on: Date()) == 0)
        let now = Date()
        let midnight = TenantDailyChanges.nextDay(after: now)
        #expect(midnight > now && midnight.timeIntervalSince(now) <= 86_400)
        #expect(TenantDailyChanges.day(of: midnight) == TenantDailyChanges.day(of: now) + 1)
        #expect(TenantDailyChanges.day(of: midnight.addingTimeInterval(-0.001)) == TenantDailyChanges.day(of: now))
    }
}
