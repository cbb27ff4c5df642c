import EventStore
import FeatureFlags
import Foundation
import HTTPTestSupport
import NIOHTTP1
import Provisioning
import TestSupport
import Testing

/// Calls of the tenant API as a tenant's application makes them.
struct TenantAPIClient: Sendable {
    let client: HTTPTestClient

    init(_ server: TestServer) {
        client = server.client
    }

    static func auth(_ key: String?) -> [(String, String)] {
        key.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    func get(_ path: String, key: String?, headers: [(String, String)] = []) async throws -> HTTPTestClient.Response {
        try await client.send(.GET, path, headers: Self.auth(key) + headers)
    }

    func post(_ path: String, json: String?, key: String?, headers: [(String, String)] = []) async throws -> HTTPTestClient.Response {
        var all = Self.auth(key) + headers
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try await client.send(.POST, path, headers: all, body: json.map { Array($0.utf8) } ?? [])
    }

    func delete(_ path: String, key: String?, headers: [(String, String)] = []) async throws -> HTTPTestClient.Response {
        try await client.send(.DELETE, path, headers: Self.auth(key) + headers)
    }

    /// `POST /v1/tenant/api-keys`, expecting 201: the new key's id and secret; a `manage` key
    /// unless another scope (or nil: the route's default) is asked for.
    func createKey(label: String? = nil, scope: String? = "manage", key: String) async throws -> (id: String, secret: String) {
        var members: [String] = []
        if let label { members.append(#""label":"\#(label)""#) }
        if let scope { members.append(#""scope":"\#(scope)""#) }
        let body = "{" + members.joined(separator: ",") + "}"
        let response = try await post("/v1/tenant/api-keys", json: body, key: key)
        guard response.status == 201, let created = try? response.decode(CreatedKey.self) else {
            throw TestServerError("creating a key failed: \(response.status) \(response.text)")
        }
        return (created.id, created.key)
    }

    /// The body of `201` from `POST /v1/tenant/api-keys` (the members these tests read).
    struct CreatedKey: Decodable {
        let id: String
        let key: String
    }
}

/// The members of a problem document (RFC 9457) every problem has.
struct ProblemBody: Decodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
}

extension HTTPTestClient.Response {
    /// The problem type's last path segment (`unauthorized`), nil for another body.
    var problemType: String? {
        guard header("Content-Type") == "application/problem+json", let type = (try? decode(ProblemBody.self))?.type else { return nil }
        return type.hasPrefix(OFREPAuthenticationTests.problemType) ? String(type.dropFirst(OFREPAuthenticationTests.problemType.count)) : type
    }
}

@Suite("Tenant API: the tenant's own account through its API key")
struct TenantAPITests {
    @Test("GET /v1/tenant: plan, state, trial end, limits, keys (never a hash), onboarding, activation")
    func showTenant() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let tenant = server.tenant
            let response = try await api.get("/v1/tenant", key: server.apiKey)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.header("Content-Type") == "application/json")
            let body = try #require(response.jsonObject)
            #expect(body["id"] as? String == tenant.id.uuidString.lowercased())
            #expect(body["slug"] as? String == tenant.slug)
            #expect(body["name"] as? String == tenant.name)
            #expect(body["plan"] as? String == "trial")
            #expect(body["state"] as? String == "active")
            #expect(body["isolation"] as? String == "pooled")
            #expect((body["trialEndsAt"] as? String)?.hasSuffix("Z") == true)
            #expect(body["createdAt"] is String)
            #expect(body["activatedAt"] is NSNull)
            let limits = try #require(body["limits"] as? [String: Any])
            #expect(limits["maximumEventsPerAppend"] as? Int == 500)
            #expect(limits["appendsPerSecond"] as? Double == 50)
            #expect(limits["burst"] as? Int == 100)
            let keys = try #require(body["apiKeys"] as? [[String: Any]])
            #expect(keys.count == 1)
            let issued = try #require(tenant.apiKeys.values.first)
            #expect(keys.first?["id"] as? String == issued.keyId.uuidString.lowercased())
            #expect(keys.first?["prefix"] as? String == issued.prefix)
            #expect(server.apiKey.hasPrefix(issued.prefix))
            #expect(keys.first?["label"] is NSNull)
            #expect(keys.first?["createdAt"] is String)
            #expect(!response.text.contains(issued.sha256))
            #expect(!response.text.contains(server.apiKey))
            let onboarding = try #require(body["onboarding"] as? [[String: Any]])
            #expect(onboarding.compactMap { $0["id"] as? String } == OnboardingChecklist.Step.allCases.map(\.rawValue))
            #expect(onboarding.compactMap { $0["done"] as? Bool } == [true, true, false, false, false])
            #expect(onboarding.first?["doneAt"] is String)
            #expect(onboarding.last?["doneAt"] is NSNull)
            #expect(onboarding.allSatisfy { ($0["title"] as? String)?.isEmpty == false })
        }
    }

    @Test("POST /v1/tenant/api-keys: 201 with the key once and its Location; it works at once; listed without the secret")
    func createKey() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let response = try await api.post("/v1/tenant/api-keys", json: #"{"label":"production","scope":"manage"}"#, key: server.apiKey)
            #expect(response.status == 201, "\(response.text)")
            let body = try #require(response.jsonObject)
            #expect(body["scope"] as? String == "manage")
            let id = try #require(body["id"] as? String)
            let secret = try #require(body["key"] as? String)
            #expect(secret.hasPrefix("tnt_"))
            #expect(secret.hasPrefix(try #require(body["prefix"] as? String)))
            #expect(body["label"] as? String == "production")
            #expect(body["createdAt"] is String)
            #expect(response.header("Location") == "/v1/tenant/api-keys/\(id)")
            #expect(response.header("Cache-Control") == "no-store")

            // The answer came once the server's directory had the key: the new key works now.
            let shown = try await api.get("/v1/tenant", key: secret)
            #expect(shown.status == 200, "\(shown.text)")
            #expect(!shown.text.contains(secret))
            let keys = try #require(shown.jsonObject?["apiKeys"] as? [[String: Any]])
            #expect(keys.count == 2)
            #expect(keys.last?["id"] as? String == id)
            #expect(keys.last?["label"] as? String == "production")
            #expect(keys.map { $0["scope"] as? String } == ["manage", "manage"])
            let onboarding = try #require(shown.jsonObject?["onboarding"] as? [[String: Any]])
            #expect(onboarding.first { $0["id"] as? String == "create-api-key" }?["done"] as? Bool == true)

            // Without a body, or with an empty object: a key without a label, of scope evaluate.
            for body in [nil, "{}"] as [String?] {
                let unlabelled = try await api.post("/v1/tenant/api-keys", json: body, key: server.apiKey)
                #expect(unlabelled.status == 201, "\(unlabelled.text)")
                #expect(unlabelled.jsonObject?["label"] is NSNull)
                #expect(unlabelled.jsonObject?["scope"] as? String == "evaluate")
            }
        }
    }

    @Test("POST /v1/tenant/api-keys refuses a bad label (400 naming it) and a 21st live key (409)")
    func createKeyErrors() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            for body in [#"{"label":42}"#, #"{"label":""}"#, #"{"label":"\#(String(repeating: "x", count: 101))"}"#] {
                let response = try await api.post("/v1/tenant/api-keys", json: body, key: server.apiKey)
                #expect(response.status == 400, "\(body): \(response.text)")
                #expect(response.problemType == "invalid-request")
                #expect(response.jsonObject?["field"] as? String == "label")
            }
            for body in ["not json", "[1]"] {
                let response = try await api.post("/v1/tenant/api-keys", json: body, key: server.apiKey)
                #expect(response.status == 400, "\(body): \(response.text)")
                #expect(response.problemType == "invalid-request")
            }
            for index in 1..<TenantService.maximumLiveAPIKeys {
                _ = try await api.createKey(label: "key-\(index)", key: server.apiKey)
            }
            let refused = try await api.post("/v1/tenant/api-keys", json: "{}", key: server.apiKey)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.problemType == "api-key-limit-reached")
            #expect(refused.jsonObject?["limit"] as? Int == TenantService.maximumLiveAPIKeys)
        }
    }

    @Test("DELETE /v1/tenant/api-keys/{id}: 204, and the key stops working; 400 malformed id, 404 unknown or another tenant's, 409 last key")
    func revokeKey() async throws {
        try await withTestServer(tenants: ["Mine", "Theirs"]) { server in
            let api = TenantAPIClient(server)
            let (mine, firstKey) = server.tenants[0]
            let (theirs, theirKey) = server.tenants[1]
            let firstID = try #require(mine.apiKeys.keys.first).uuidString.lowercased()
            let theirID = try #require(theirs.apiKeys.keys.first).uuidString.lowercased()

            // The only key cannot go.
            let last = try await api.delete("/v1/tenant/api-keys/\(firstID)", key: firstKey)
            #expect(last.status == 409, "\(last.text)")
            #expect(last.problemType == "last-api-key")

            let second = try await api.createKey(label: "rotation", key: firstKey)
            let malformed = try await api.delete("/v1/tenant/api-keys/not-a-uuid", key: second.secret)
            #expect(malformed.status == 400)
            #expect(malformed.problemType == "invalid-request")
            #expect(malformed.jsonObject?["field"] as? String == "id")
            for unknown in [UUID().uuidString.lowercased(), theirID] {
                let response = try await api.delete("/v1/tenant/api-keys/\(unknown)", key: second.secret)
                #expect(response.status == 404, "\(response.text)")
                #expect(response.problemType == "api-key-not-found")
            }
            // The other tenant's key is untouched.
            #expect(try await api.get("/v1/tenant", key: theirKey).status == 200)

            let revoked = try await api.delete("/v1/tenant/api-keys/\(firstID)", key: second.secret)
            #expect(revoked.status == 204, "\(revoked.text)")
            #expect(revoked.body.isEmpty)
            #expect(try await api.get("/v1/tenant", key: firstKey).status == 401)
            let keys = try #require(try await api.get("/v1/tenant", key: second.secret).jsonObject?["apiKeys"] as? [[String: Any]])
            #expect(keys.compactMap { $0["id"] as? String } == [second.id])
            // Revoked already: not found.
            let again = try await api.delete("/v1/tenant/api-keys/\(firstID)", key: second.secret)
            #expect(again.status == 404)
        }
    }

    @Test("a paid plan without a payment hook: 402 payment-required and nothing recorded; a hook's refusal is 402 with its page; a failing hook is 503; a free plan needs none")
    func paidPlansNeedPayment() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let before = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id)).version
            let refused = try await api.post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: server.apiKey)
            #expect(refused.status == 402, "\(refused.text)")
            #expect(refused.problemType == "payment-required")
            #expect(refused.jsonObject?["plan"] as? String == "pro")
            #expect((refused.jsonObject?["detail"] as? String)?.contains("no") == true)
            #expect(try await server.runtime.tenants.lifecycle.load(server.tenant.id)?.version == before, "nothing recorded")
            #expect(try await api.post("/v1/tenant/plan", json: #"{"plan":"free"}"#, key: server.apiKey).status == 200)
        }
        try await withTestServer(configure: { configuration, _, _ in
            configuration.paymentHook = RefusingPaymentHook()
        }) { server in
            let refused = try await TenantAPIClient(server).post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: server.apiKey)
            #expect(refused.status == 402)
            #expect(refused.jsonObject?["paymentUrl"] as? String == "https://billing.example/add-card")
            #expect((refused.jsonObject?["detail"] as? String)?.contains("add a card first") == true)
        }
        try await withTestServer(configure: { configuration, _, _ in
            configuration.paymentHook = FailingPaymentHook()
        }) { server in
            let failed = try await TenantAPIClient(server).post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: server.apiKey)
            #expect(failed.status == 503)
            #expect(failed.problemType == "payment-unavailable")
            #expect(failed.header("Retry-After") == "30")
            #expect(try await server.runtime.tenants.lifecycle.load(server.tenant.id)?.plan == .trial)
        }
    }

    @Test("POST /v1/tenant/plan: up- and downgrades among self-serve plans; the trial, sales-led plans, unknown or unchanged plans refused")
    func changePlan() async throws {
        try await withTestServer(configure: { configuration, _, _ in configuration.paymentHook = ApprovingPaymentHook() }) { server in
            let api = TenantAPIClient(server)
            let key = server.apiKey
            let upgraded = try await api.post("/v1/tenant/plan", json: #"{"plan":"pro"}"#, key: key)
            #expect(upgraded.status == 200, "\(upgraded.text)")
            #expect(upgraded.jsonObject?["plan"] as? String == "pro")
            #expect(upgraded.jsonObject?["trialEndsAt"] is NSNull)
            #expect((upgraded.jsonObject?["limits"] as? [String: Any])?["burst"] as? Int == 400)
            let shown = try #require(try await api.get("/v1/tenant", key: key).jsonObject)
            #expect(shown["plan"] as? String == "pro")
            let onboarding = try #require(shown["onboarding"] as? [[String: Any]])
            #expect(onboarding.first { $0["id"] as? String == "upgraded" }?["done"] as? Bool == true)
            let last = try #require(try await server.runtime.tenants.lifecycle.history(server.tenant.id).last)
            #expect(last.type == "PlanChanged")
            #expect(last.metadata.actor?.hasPrefix("api-key:") == true)

            let downgraded = try await api.post("/v1/tenant/plan", json: #"{"plan":"free"}"#, key: key)
            #expect(downgraded.status == 200, "\(downgraded.text)")
            #expect(downgraded.jsonObject?["plan"] as? String == "free")

            let refusals: [(body: String, status: Int, type: String, field: String?)] = [
                (#"{"plan":"free"}"#, 409, "plan-unchanged", nil),
                (#"{"plan":"trial"}"#, 422, "plan-not-allowed", nil),
                (#"{"plan":"enterprise"}"#, 422, "plan-not-allowed", nil),
                (#"{"plan":"gold"}"#, 400, "invalid-request", "plan"),
                (#"{"plan":7}"#, 400, "invalid-request", "plan"),
                (#"{}"#, 400, "invalid-request", "plan"),
            ]
            for refusal in refusals {
                let response = try await api.post("/v1/tenant/plan", json: refusal.body, key: key)
                #expect(response.status == refusal.status, "\(refusal.body): \(response.text)")
                #expect(response.problemType == refusal.type, "\(refusal.body)")
                #expect(response.jsonObject?["field"] as? String == refusal.field, "\(refusal.body)")
            }
            let salesLed = try await api.post("/v1/tenant/plan", json: #"{"plan":"enterprise"}"#, key: key)
            #expect((salesLed.jsonObject?["detail"] as? String)?.contains("sales") == true)
            #expect(salesLed.jsonObject?["selfServePlans"] as? [String] == ["free", "pro"])
            #expect(Set(try #require(salesLed.jsonObject).keys) == ProblemShapes.planNotAllowed)
            #expect(try await api.get("/v1/tenant", key: key).jsonObject?["plan"] as? String == "free")
        }
    }

    @Test("GET /v1/tenant/events names its own keys and its signup, and every operator, admin token or service only as operator or system")
    func auditTrailActors() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let (tenant, key) = (server.tenant, server.apiKey)
            _ = try await server.runtime.tenants.suspend(tenant.slug, reason: "billing hold", actor: "operator:ada")
            let resumed = try await server.runtime.tenants.resume(tenant.slug, reason: "paid", actor: "admin:ops-token")
            try await server.waitForTenant(tenant.id, "active again") { $0.version >= resumed.version && $0.status == .active }
            _ = try await api.createKey(label: "after-resume", key: key)

            let recorded = try await server.runtime.tenants.lifecycle.history(tenant.id)
            let trail = try await api.get("/v1/tenant/events?limit=500", key: key)
            #expect(trail.status == 200, "\(trail.text)")
            let events = try #require(trail.jsonObject?["events"] as? [[String: Any]])
            #expect(events.count == recorded.count)
            let expected: [String?] = recorded.map { event in
                guard let actor = event.metadata.actor else { return nil }
                if actor.hasPrefix("api-key:") { return actor }
                return actor.hasPrefix("system:") ? "system" : "operator"
            }
            #expect(events.map { $0["actor"] as? String } == expected)
            #expect(expected.contains("operator") && expected.contains("system") && expected.contains { $0?.hasPrefix("api-key:") == true })
            // The recorded identities are there, and none of them reaches the tenant.
            #expect(recorded.contains { $0.metadata.actor == "operator:ada" })
            #expect(recorded.contains { $0.metadata.actor == "admin:ops-token" })
            for identity in ["ada", "ops-token", "test:server", "system:"] {
                #expect(!trail.text.contains(identity), "\(identity)")
            }
        }
    }

    @Test("GET /v1/tenant/events: its own trail in pages with next, actors and reasons, never a key's hash nor another tenant's events")
    func auditTrail() async throws {
        try await withTestServer(tenants: ["Mine", "Theirs"]) { server in
            let api = TenantAPIClient(server)
            let (mine, key) = server.tenants[0]
            let theirs = server.tenants[1].tenant
            _ = try await api.createKey(label: "audited", key: key)
            let history = try await server.runtime.tenants.lifecycle.history(mine.id)

            let all = try await api.get("/v1/tenant/events?limit=500", key: key)
            #expect(all.status == 200, "\(all.text)")
            let events = try #require(all.jsonObject?["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["version"] as? Int } == history.map { Int($0.version) })
            #expect(events.compactMap { $0["type"] as? String } == history.map(\.type))
            #expect(all.jsonObject?["next"] is NSNull)
            #expect(events.first?["type"] as? String == "TenantRegistered")
            #expect(events.allSatisfy { $0["recordedAt"] is String && $0["data"] is [String: Any] })
            let issued = events.filter { $0["type"] as? String == "APIKeyIssued" }
            #expect(issued.count == 2)
            #expect(issued.allSatisfy { ($0["data"] as? [String: Any])?["sha256"] == nil && ($0["data"] as? [String: Any])?["prefix"] is String })
            #expect(issued.last?["actor"] as? String == "api-key:\(try #require(mine.apiKeys.keys.first).uuidString.lowercased())")
            #expect(issued.last?["reason"] as? String == "API key issued")
            for hash in try #require(try await server.runtime.tenants.lifecycle.load(mine.id)).apiKeys.values.map(\.sha256) {
                #expect(!all.text.contains(hash))
            }
            #expect(!all.text.contains(theirs.id.uuidString.lowercased()))
            #expect(!all.text.contains(theirs.slug))

            // Pages: two at a time, following next.
            var versions: [Int] = []
            var after = 0
            var pages = 0
            while true {
                let page = try await api.get("/v1/tenant/events?after=\(after)&limit=2", key: key)
                #expect(page.status == 200, "\(page.text)")
                let items = try #require(page.jsonObject?["events"] as? [[String: Any]])
                #expect(items.count <= 2)
                versions += items.compactMap { $0["version"] as? Int }
                pages += 1
                guard let next = page.jsonObject?["next"] as? Int else { break }
                #expect(next == versions.last)
                after = next
            }
            #expect(versions == history.map { Int($0.version) })
            #expect(pages == (history.count + 1) / 2)

            let beyond = try await api.get("/v1/tenant/events?after=\(history.count)", key: key)
            #expect((beyond.jsonObject?["events"] as? [Any])?.isEmpty == true)
            #expect(beyond.jsonObject?["next"] is NSNull)

            for (query, field) in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("after=-1", "after"), ("after=x", "after")] {
                let response = try await api.get("/v1/tenant/events?\(query)", key: key)
                #expect(response.status == 400, "\(query): \(response.text)")
                #expect(response.problemType == "invalid-request")
                #expect(response.jsonObject?["field"] as? String == field)
            }
        }
    }

    @Test("other methods on the tenant API's paths: 405 with Allow")
    func methodNotAllowed() async throws {
        try await withTestServer { server in
            let client = server.client
            let cases: [(HTTPMethod, String, String)] = [
                (.PUT, "/v1/tenant", "GET, HEAD"),
                (.GET, "/v1/tenant/api-keys", "POST"),
                (.POST, "/v1/tenant/api-keys/\(UUID().uuidString)", "DELETE"),
                (.GET, "/v1/tenant/plan", "POST"),
                (.DELETE, "/v1/tenant/events", "GET, HEAD"),
            ]
            for (method, path, allow) in cases {
                let response = try await client.send(method, path, headers: TenantAPIClient.auth(server.apiKey))
                #expect(response.status == 405, "\(method) \(path): \(response.text)")
                #expect(response.header("Allow") == allow)
                #expect(response.problemType == "method-not-allowed")
            }
        }
    }
}
