import Crypto
import EventStore
import FeatureFlags
import Foundation
import NIOHTTP1
import Provisioning
import Testing

@Suite("API key scopes: an evaluate key evaluates, only a manage key manages the tenant")
struct APIKeyScopeTests {
    /// Every tenant-management route, as an evaluate key might try to take the tenant over.
    static func managementRoutes(ownerKeyID: String) -> [(method: HTTPMethod, path: String, body: String?)] {
        [
            (.GET, "/v1/tenant", nil),
            (.POST, "/v1/tenant/api-keys", #"{"label":"mine now","scope":"manage"}"#),
            (.DELETE, "/v1/tenant/api-keys/\(ownerKeyID)", nil),
            (.POST, "/v1/tenant/plan", #"{"plan":"pro"}"#),
            (.GET, "/v1/tenant/events", nil),
        ]
    }

    @Test("an evaluate key (the default) gets 403 insufficient-scope on every tenant route: no new key, the owner's kept, the plan unchanged")
    func evaluateKeyCannotManage() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let owner = server.apiKey
            let ownerKeyID = try #require(server.tenant.apiKeys.keys.first).uuidString.lowercased()
            let browser = try await api.createKey(label: "browser", scope: nil, key: owner)
            let before = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id))
            #expect(before.apiKeys[try #require(UUID(uuidString: browser.id))]?.scope == .evaluate)

            for route in Self.managementRoutes(ownerKeyID: ownerKeyID) {
                var headers = TenantAPIClient.auth(browser.secret)
                if route.body != nil { headers.append(("Content-Type", "application/json")) }
                let response = try await server.client.send(route.method, route.path, headers: headers, body: route.body.map { Array($0.utf8) })
                #expect(response.status == 403, "\(route.method) \(route.path): \(response.text)")
                #expect(response.problemType == "insufficient-scope")
                #expect(response.jsonObject?["requiredScope"] as? String == "manage")
                #expect(response.jsonObject?["scope"] as? String == "evaluate")
            }
            let after = try #require(try await server.runtime.tenants.lifecycle.load(server.tenant.id))
            #expect(after.version == before.version, "nothing was written")
            #expect(after.plan == before.plan)
            #expect(try await api.get("/v1/tenant", key: owner).status == 200, "the owner keeps its key")
        }
    }

    @Test("an evaluate key evaluates a flag, in bulk, and opens the event stream")
    func evaluateKeyEvaluates() async throws {
        try await withTestServer(transport: .socket) { server in
            try await server.define(Flag(key: FlagKey("banner"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "on"))
            let browser = try await TenantAPIClient(server).createKey(label: "browser", scope: "evaluate", key: server.apiKey)
            let single = try await server.client.post("/ofrep/v1/evaluate/flags/banner", json: #"{"context":{}}"#, apiKey: browser.secret)
            #expect(single.status == 200, "\(single.text)")
            let bulk = try await server.client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{}}"#, apiKey: browser.secret)
            #expect(bulk.status == 200, "\(bulk.text)")
            let streams = try #require(bulk.jsonObject?["eventStreams"] as? [[String: Any]])
            let uri = try #require((streams.first?["endpoint"] as? [String: Any])?["requestUri"] as? String)
            let stream = try await EventStreamClient.open(server.address.url + uri)
            defer { stream.close() }
            #expect(stream.status == 200)
        }
    }

    @Test("a manage key may create keys of either scope; an unknown scope is 400 naming scope; listings show each key's scope")
    func manageKeyCreatesScopes() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let manager = try await api.createKey(label: "deputy", scope: "manage", key: server.apiKey)
            // The new manage key can itself make keys.
            let evaluator = try await api.createKey(label: "app", scope: "evaluate", key: manager.secret)
            for body in [#"{"scope":"admin"}"#, #"{"scope":42}"#, #"{"scope":""}"#] {
                let response = try await api.post("/v1/tenant/api-keys", json: body, key: server.apiKey)
                #expect(response.status == 400, "\(body): \(response.text)")
                #expect(response.problemType == "invalid-request")
            }
            let unknown = try await api.post("/v1/tenant/api-keys", json: #"{"scope":"admin"}"#, key: server.apiKey)
            #expect(unknown.jsonObject?["field"] as? String == "scope")
            let keys = try #require(try await api.get("/v1/tenant", key: manager.secret).jsonObject?["apiKeys"] as? [[String: Any]])
            let scopes = Dictionary(uniqueKeysWithValues: keys.compactMap { key in (key["id"] as? String).map { ($0, key["scope"] as? String) } })
            let firstID = try #require(server.tenant.apiKeys.keys.first).uuidString.lowercased()
            #expect(scopes == [firstID: "manage", manager.id: "manage", evaluator.id: "evaluate"])
        }
    }

    @Test("the last manage key cannot be revoked while evaluate keys remain (409 last-api-key); with another manage key it can")
    func lastManageKey() async throws {
        try await withTestServer { server in
            let api = TenantAPIClient(server)
            let ownerID = try #require(server.tenant.apiKeys.keys.first).uuidString.lowercased()
            let evaluator = try await api.createKey(label: "app", scope: "evaluate", key: server.apiKey)
            let refused = try await api.delete("/v1/tenant/api-keys/\(ownerID)", key: server.apiKey)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.problemType == "last-api-key")
            // An evaluate key is no manager: it may go.
            #expect(try await api.delete("/v1/tenant/api-keys/\(evaluator.id)", key: server.apiKey).status == 204)
            let deputy = try await api.createKey(label: "deputy", scope: "manage", key: server.apiKey)
            #expect(try await api.delete("/v1/tenant/api-keys/\(ownerID)", key: deputy.secret).status == 204)
        }
    }

    @Test("a key issued before scopes (its APIKeyIssued has no scope) is a manage key: it manages, and is listed as manage")
    func keyFromBeforeScopes() async throws {
        try await withTestServer { server in
            let secret = "tnt_" + UUID().uuidString + UUID().uuidString
            let digest = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
            let keyID = UUID()
            let tenant = server.tenant
            try await server.runtime.operatorEventStore.append(
                [NewEvent(
                    type: "APIKeyIssued",
                    dataJSON: #"{"keyId":"\#(keyID.uuidString.lowercased())","prefix":"\#(secret.prefix(12))","sha256":"\#(digest)","label":"old"}"#,
                    metadataJSON: #"{"actor":"test"}"#
                )],
                to: StreamName("tenant-\(tenant.id.uuidString.lowercased())"), tenant: ControlPlane.tenantID
            )
            try await server.waitForTenant(tenant.id, "with the old key") { $0.apiKeys[keyID] != nil }
            let state = try #require(try await server.runtime.tenants.lifecycle.load(tenant.id))
            #expect(state.apiKeys[keyID]?.scope == nil)
            #expect(state.apiKeys[keyID]?.effectiveScope == .manage)

            let api = TenantAPIClient(server)
            let shown = try await api.get("/v1/tenant", key: secret)
            #expect(shown.status == 200, "\(shown.text)")
            let keys = try #require(shown.jsonObject?["apiKeys"] as? [[String: Any]])
            #expect(keys.first { $0["id"] as? String == keyID.uuidString.lowercased() }?["scope"] as? String == "manage")
            _ = try await api.createKey(label: "made by an old key", scope: "manage", key: secret)
        }
    }
}
