import Foundation
import Provisioning
import Testing

@Suite("Daily caps on a tenant's own key and plan changes")
struct TenantDailyCapTests {
    @Test("key issues and revocations beyond the day's cap are 429 daily-cap-reached with Retry-After to UTC midnight; nothing is written")
    func keyChangesCapped() async throws {
        try await withTestServer(configure: { configuration, _, _ in
            configuration.dailyCaps = TenantDailyCaps(apiKeyChanges: 3, planChanges: 20)
        }) { server in
            let api = TenantAPIClient(server)
            // Provisioning's first key counts: two more changes fit in today's three.
            let second = try await api.createKey(label: "second", key: server.apiKey)
            #expect(try await api.delete("/v1/tenant/api-keys/\(second.id)", key: server.apiKey).status == 204)
            let before = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id))
            // An operator's key change is not capped (and counts): a key the tenant may try to revoke.
            let (_, spare) = try await server.runtime.tenants.lifecycle.issueAPIKey(server.tenant.id, label: "spare", actor: "operator:test")
            for attempt in [("POST", #"{"label":"one too many"}"#), ("DELETE", "")] {
                // Midnight as seen before the request and after its answer: the server's
                // Retry-After lies between (a busy machine can take seconds to answer).
                let untilMidnightBefore = TenantDailyChanges.nextDay(after: Date()).timeIntervalSinceNow
                let response = attempt.0 == "POST"
                    ? try await api.post("/v1/tenant/api-keys", json: attempt.1, key: server.apiKey)
                    : try await api.delete("/v1/tenant/api-keys/\(spare.id.uuidString.lowercased())", key: server.apiKey)
                #expect(response.status == 429, "\(attempt.0): \(response.text)")
                #expect(response.problemType == "daily-cap-reached")
                #expect(response.jsonObject?["change"] as? String == "apiKey")
                #expect(response.jsonObject?["limit"] as? Int == 3)
                let retryAfter = try #require(response.header("Retry-After").flatMap(Int.init))
                let untilMidnightAfter = TenantDailyChanges.nextDay(after: Date()).timeIntervalSinceNow
                #expect(
                    retryAfter >= 1 && Double(retryAfter) >= untilMidnightAfter - 1 && Double(retryAfter) <= untilMidnightBefore + 1,
                    "Retry-After \(retryAfter), midnight in \(untilMidnightBefore) before the request, \(untilMidnightAfter) after")
            }
            let after = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id))
            #expect(after.version == before.version + 1, "only the operator's key was written")
            #expect(after.apiKeys[spare.id] != nil)
            #expect(after.dailyChanges.count(of: .apiKey, on: Date()) == 4)
        }
    }

    @Test("plan changes beyond the day's cap are 429; an operator's change is not capped")
    func planChangesCapped() async throws {
        try await withTestServer(configure: { configuration, _, _ in
            configuration.dailyCaps = TenantDailyCaps(apiKeyChanges: 100, planChanges: 2)
            configuration.paymentHook = ApprovingPaymentHook()
        }) { server in
            let api = TenantAPIClient(server)
            #expect(try await api.post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: server.apiKey).status == 200)
            #expect(try await api.post("/v1/tenant/plan", json: #"{"plan":"free"}"#, key: server.apiKey).status == 200)
            let refused = try await api.post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: server.apiKey)
            #expect(refused.status == 429, "\(refused.text)")
            #expect(refused.problemType == "daily-cap-reached")
            #expect(refused.jsonObject?["change"] as? String == "plan")
            #expect(refused.header("Retry-After") != nil)
            // The operator (CLI, admin API) is not the tenant: no cap.
            let moved = try await server.runtime.tenants.changePlan(server.tenant.slug, to: .pro, reason: "sales call", actor: "operator:test")
            #expect(moved.plan == .pro)
        }
    }
}
