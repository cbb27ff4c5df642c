import EventStore
import FeatureFlags
import Foundation
import Provisioning
import Testing

@Suite("OFREP authentication: the tenant comes from its API key", .validatesOFREPResponses)
struct OFREPAuthenticationTests {
    static let problemType = "https://tenantry.dev/problems/"

    @Test("no key, a wrong key or a revoked key: 401 problem details with WWW-Authenticate")
    func unauthorized() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("beta"), type: .boolean, variants: ["on": true], defaultVariant: "on"))

            let attempts: [(label: String, headers: [(String, String)])] = [
                ("no key", []),
                ("wrong key", [("Authorization", "Bearer tnt_not-a-real-key")]),
                ("not a Bearer scheme", [("Authorization", "Basic \(key)")]),
                ("empty X-API-Key", [("X-API-Key", " ")]),
                // Two Authorization fields are no credential, even when the first is valid.
                ("two Authorization fields", [("Authorization", "Bearer \(key)"), ("Authorization", "Bearer tnt_other")]),
            ]
            for attempt in attempts {
                for bulk in [false, true] {
                    let response = bulk
                        ? try await server.evaluateAll(apiKey: nil, headers: attempt.headers, label: "401 bulk \(attempt.label)")
                        : try await server.evaluate("beta", apiKey: nil, headers: attempt.headers, label: "401 \(attempt.label)")
                    #expect(response.status == 401, "\(attempt.label): \(response.text)")
                    #expect(response.header("Content-Type") == "application/problem+json")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                    let problem = try #require(response.jsonObject)
                    #expect(problem["type"] as? String == Self.problemType + "unauthorized")
                    #expect(problem["status"] as? Int == 401)
                    #expect(problem["title"] as? String == "Unauthorized")
                    #expect(problem["detail"] is String)
                }
            }

            // Both of OFREP's schemes work, the Bearer scheme name in any case.
            #expect(try await server.evaluate("beta", apiKey: nil, headers: [("X-API-Key", key)], label: "X-API-Key").status == 200)
            #expect(try await server.evaluate("beta", apiKey: nil, headers: [("authorization", "bearer \(key)")], label: "bearer").status == 200)

            // Revoking the key takes effect in the running server.
            let keyID = try #require(tenant.apiKeys.keys.first)
            try await server.runtime.operatorEventStore.append(
                [NewEvent(type: "APIKeyRevoked", dataJSON: #"{"keyId":"\#(keyID.uuidString.lowercased())"}"#, metadataJSON: #"{"actor":"test:server"}"#)],
                to: StreamName("tenant-\(tenant.id.uuidString.lowercased())"), tenant: ControlPlane.tenantID
            )
            try await server.waitForTenant(tenant.id, "without its key") { $0.apiKeys.isEmpty }
            let revoked = try await server.evaluate("beta", apiKey: key, label: "401 revoked key")
            #expect(revoked.status == 401, "\(revoked.text)")
            #expect(revoked.jsonObject?["type"] as? String == Self.problemType + "unauthorized")
        }
    }

    @Test("a suspended tenant: 403 tenant-not-active naming its state; resumed, it evaluates again")
    func suspendedTenant() async throws {
        try await withTestServer { server in
            let tenant = server.tenant
            let key = server.apiKey
            try await server.define(Flag(key: FlagKey("beta"), type: .boolean, variants: ["on": true], defaultVariant: "on"))
            let service = server.runtime.tenants.lifecycle
            _ = try await service.suspend(tenant.id, reason: "unpaid invoice", actor: "test:server")
            try await server.waitForTenant(tenant.id, "suspended") { $0.status == .suspended }

            for bulk in [false, true] {
                let response = bulk
                    ? try await server.evaluateAll(apiKey: key, label: "403 bulk suspended")
                    : try await server.evaluate("beta", apiKey: key, label: "403 suspended")
                #expect(response.status == 403, "\(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                let problem = try #require(response.jsonObject)
                #expect(problem["type"] as? String == Self.problemType + "tenant-not-active")
                #expect(problem["status"] as? Int == 403)
                #expect(problem["state"] as? String == "suspended")
                #expect(problem["tenant"] as? String == tenant.slug)
                #expect((problem["detail"] as? String)?.contains("suspended") == true)
            }

            _ = try await service.reactivate(tenant.id, reason: "paid", actor: "test:server")
            try await server.waitForTenant(tenant.id, "active again") { $0.status == .active }
            #expect(try await server.evaluate("beta", apiKey: key, label: "resumed").status == 200)
        }
    }

    @Test("each tenant is evaluated as itself: an override for one is not served to another")
    func tenantsAreIsolated() async throws {
        try await withTestServer(tenants: ["First", "Second"]) { server in
            let (first, firstKey) = server.tenants[0]
            let secondKey = server.tenants[1].apiKey
            try await server.define(Flag(
                key: FlagKey("early-access"), type: .boolean, variants: ["on": true, "off": false], defaultVariant: "off",
                overrides: [first.id: "on"]
            ))
            let firstAnswer = try await server.evaluate("early-access", apiKey: firstKey, label: "first tenant")
            let secondAnswer = try await server.evaluate("early-access", apiKey: secondKey, label: "second tenant")
            #expect(firstAnswer.jsonObject?["variant"] as? String == "on")
            #expect(secondAnswer.jsonObject?["variant"] as? String == "off")
        }
    }
}
