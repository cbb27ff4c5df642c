import FeatureFlags
import Foundation
import HTTPTestSupport
import NIOHTTP1
import Provisioning
import TestSupport
import Testing

@Suite("Tenant API authentication and rate limits")
struct TenantAuthTests {
    /// Every tenant route with a request that would succeed with a valid key.
    static func routes(keyID: String) -> [(method: HTTPMethod, path: String, body: String?)] {
        [
            (.GET, "/v1/tenant", nil),
            (.POST, "/v1/tenant/api-keys", "{}"),
            (.DELETE, "/v1/tenant/api-keys/\(keyID)", nil),
            (.POST, "/v1/tenant/plan", #"{"plan":"pro"}"#),
            (.GET, "/v1/tenant/events", nil),
        ]
    }

    static func send(_ server: TestServer, _ route: (method: HTTPMethod, path: String, body: String?), headers: [(String, String)]) async throws -> HTTPTestClient.Response {
        var all = headers
        if route.body != nil { all.append(("Content-Type", "application/json")) }
        return try await server.client.send(route.method, route.path, headers: all, body: route.body.map { Array($0.utf8) })
    }

    @Test("a missing or wrong key: 401 unauthorized with WWW-Authenticate on every route, and nothing changes")
    func missingOrWrongKey() async throws {
        try await withTestServer { server in
            let keyID = try #require(server.tenant.apiKeys.keys.first).uuidString.lowercased()
            let attempts: [(label: String, headers: [(String, String)], detail: String)] = [
                ("no key", [], "no API key"),
                ("wrong key", [("Authorization", "Bearer tnt_wrong")], "not valid"),
                ("wrong X-API-Key", [("X-API-Key", "tnt_wrong")], "not valid"),
                ("not Bearer", [("Authorization", "Basic \(server.apiKey)")], "no API key"),
            ]
            for route in Self.routes(keyID: keyID) {
                for attempt in attempts {
                    let response = try await Self.send(server, route, headers: attempt.headers)
                    #expect(response.status == 401, "\(route.method) \(route.path) \(attempt.label): \(response.text)")
                    #expect(response.problemType == "unauthorized")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                    #expect((response.jsonObject?["detail"] as? String)?.contains(attempt.detail) == true)
                }
            }
            let state = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id))
            #expect(state.version == server.tenant.version)
            // The X-API-Key scheme works as well as Bearer.
            #expect(try await server.client.send(.GET, "/v1/tenant", headers: [("X-API-Key", server.apiKey)]).status == 200)
        }
    }

    @Test("a key revoked through the API: 401 on every route once the directory has the revocation")
    func revokedKey() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let oldKey = server.apiKey
            let oldID = try #require(server.tenant.apiKeys.keys.first)
            let replacement = try await api.createKey(label: "replacement", key: oldKey)
            let revoked = try await api.delete("/v1/tenant/api-keys/\(oldID.uuidString.lowercased())", key: replacement.secret)
            #expect(revoked.status == 204, "\(revoked.text)")
            try await server.waitForTenant(server.tenant.id, "without the old key") { $0.apiKeys[oldID] == nil }
            for route in Self.routes(keyID: replacement.id) {
                let response = try await Self.send(server, route, headers: TenantAPIClient.auth(oldKey))
                #expect(response.status == 401, "\(route.method) \(route.path): \(response.text)")
                #expect(response.problemType == "unauthorized")
                #expect((response.jsonObject?["detail"] as? String)?.contains("revoked") == true)
            }
            #expect(try await api.get("/v1/tenant", key: replacement.secret).status == 200)
        }
    }

    @Test("a suspended tenant's key: 403 tenant-not-active naming the state on every route (GET /v1/tenant included); resumed, it works")
    func suspendedTenant() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            let keyID = try #require(tenant.apiKeys.keys.first).uuidString.lowercased()
            let service = server.runtime.tenants.lifecycle
            _ = try await service.suspend(tenant.id, reason: "unpaid invoice", actor: "test:server")
            try await server.waitForTenant(tenant.id, "suspended") { $0.status == .suspended }
            for route in Self.routes(keyID: keyID) {
                let response = try await Self.send(server, route, headers: TenantAPIClient.auth(server.apiKey))
                #expect(response.status == 403, "\(route.method) \(route.path): \(response.text)")
                #expect(response.problemType == "tenant-not-active")
                #expect(response.jsonObject?["state"] as? String == "suspended")
                #expect(response.jsonObject?["tenant"] as? String == tenant.slug)
            }
            let state = try #require(try await service.load(tenant.id))
            #expect(state.plan == .trial)
            #expect(state.apiKeys.count == 1)

            _ = try await service.reactivate(tenant.id, reason: "paid", actor: "test:server")
            try await server.waitForTenant(tenant.id, "active again") { $0.status == .active }
            #expect(try await TenantAPIClient(server).get("/v1/tenant", key: server.apiKey).status == 200)
        }
    }

    @Test("past the plan's burst: 429 rate-limited with Retry-After in whole seconds; other tenants and OFREP unaffected")
    func rateLimited() async throws {
        // A frozen clock: nothing refills while the requests arrive, however slowly they do.
        let frozen = ContinuousClock.now
        try await withTestServer(tenants: ["Noisy", "Quiet"], rateLimitClock: { frozen }) { server in
            let (noisy, noisyKey) = server.tenants[0]
            let quietKey = server.tenants[1].apiKey
            try await server.define(Flag(key: FlagKey("beta"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            // The free plan: a burst of 20, refilled at 10 per second. The bucket is made at the
            // tenant's first API request, from its plan then.
            _ = try await server.runtime.tenants.lifecycle.changePlan(noisy.id, to: .free, actor: "test:server")
            try await server.waitForTenant(noisy.id, "on the free plan") { $0.plan == .free }
            let burst = Plan.free.terms.limits.burst
            // Twice the burst: with no refill, exactly the burst is admitted.
            let responses = try await withThrowingTaskGroup(of: HTTPTestClient.Response.self) { group in
                for _ in 0..<(2 * burst) {
                    group.addTask { try await TenantAPIClient(server).get("/v1/tenant", key: noisyKey) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let limited = responses.filter { $0.status == 429 }
            #expect(limited.count == burst, "\(responses.map(\.status))")
            #expect(responses.allSatisfy { $0.status == 200 || $0.status == 429 })
            #expect(responses.filter { $0.status == 200 }.count == burst)
            for response in limited {
                #expect(response.problemType == "rate-limited")
                let retryAfter = try #require(response.header("Retry-After").flatMap { Int($0) })
                #expect(retryAfter == 1)
                #expect(response.jsonObject?["retryAfter"] as? Int == retryAfter)
            }
            #expect(try await TenantAPIClient(server).get("/v1/tenant", key: quietKey).status == 200)
            #expect(try await server.evaluate("beta", apiKey: noisyKey, label: "not rate limited").status == 200)
        }
    }
}
