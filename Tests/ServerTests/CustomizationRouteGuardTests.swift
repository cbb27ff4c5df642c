import Extensions
import Foundation
import Provisioning
import Tenantry
import TenantryServer
import Testing

/// A customization with one route that says which tenant called it.
struct WhoAmICustomization: Customization {
    static let id: CustomizationID = "who-am-i"
    static let version = "1.0.0"
    static let summary = "Answers with the calling tenant's id"
    static let settings: [SettingSpecification] = []

    init(settings: CustomizationSettings) throws {}

    func register(_ hooks: inout CustomizationHooks) {
        hooks.route("GET", "whoami") { request in
            .text(request.tenantID?.uuidString.lowercased() ?? "nobody")
        }
    }
}

@Suite("Customization routes: the tenant API's checks, scope, active tenant and rate limit")
struct CustomizationRouteGuardTests {
    static let path = "/x/who-am-i/whoami"

    /// Makes the server a single-tenant instance of the first tenant, serving `WhoAmICustomization`.
    @Sendable static func instance(_ configuration: inout ServerConfiguration, _ tenants: [TenantState], _ runtime: TenantryRuntime) {
        let host = try! CustomizationHost(WhoAmICustomization.self, settings: [:])
        configuration.instance = InstanceScope(
            tenantID: tenants[0].id, slug: tenants[0].slug, customization: host, tenantStore: runtime.operatorEventStore)
    }

    @Test("a manage key is served; an evaluate key is 403 insufficient-scope; a suspended tenant's key is 403 tenant-not-active")
    func scopeAndActiveTenant() async throws {
        try await withTestServer(configure: Self.instance) { server in
            let api = TenantAPIClient(server)
            let served = try await api.get(Self.path, key: server.apiKey)
            #expect(served.status == 200, "\(served.text)")
            #expect(served.text == server.tenant.id.uuidString.lowercased())

            let browser = try await api.createKey(label: "browser", scope: "evaluate", key: server.apiKey)
            let narrow = try await api.get(Self.path, key: browser.secret)
            #expect(narrow.status == 403, "\(narrow.text)")
            #expect(narrow.problemType == "insufficient-scope")

            _ = try await server.runtime.tenants.suspend(server.tenant.slug, reason: "unpaid", actor: "operator:test")
            try await server.waitForTenant(server.tenant.id, "suspended") { $0.status == .suspended }
            let suspended = try await api.get(Self.path, key: server.apiKey)
            #expect(suspended.status == 403, "\(suspended.text)")
            #expect(suspended.problemType == "tenant-not-active")
            #expect(suspended.jsonObject?["state"] as? String == "suspended")
        }
    }

    @Test("customization routes spend the tenant API's rate limit: past the plan's burst, 429 with Retry-After")
    func rateLimited() async throws {
        let frozen = ContinuousClock.now
        try await withTestServer(rateLimitClock: { frozen }, configure: Self.instance) { server in
            // The free plan's burst is 20; the clock is frozen, so nothing refills.
            let moved = try await server.runtime.tenants.changePlan(server.tenant.slug, to: .free, reason: "smaller burst", actor: "operator:test")
            try await server.waitForTenant(server.tenant.id, "on the free plan") { $0.version >= moved.version }
            let api = TenantAPIClient(server)
            let burst = Plan.free.terms.limits.burst
            for index in 0..<burst {
                let response = try await api.get(Self.path, key: server.apiKey)
                #expect(response.status == 200, "request \(index): \(response.text)")
            }
            let refused = try await api.get(Self.path, key: server.apiKey)
            #expect(refused.status == 429, "\(refused.text)")
            #expect(refused.problemType == "rate-limited")
            #expect(refused.header("Retry-After") != nil)
            // The same budget as the tenant API's.
            #expect(try await api.get("/v1/tenant", key: server.apiKey).status == 429)
        }
    }
}
