import AdminTokens
import EventStore
import FeatureFlags
import Foundation
import NIOHTTP1
import Provisioning
import Tenantry
import Testing

@Suite("Admin API authentication: an admin token, never a tenant's key", .serialized)
struct AdminAuthenticationTests {
    @Test("no token, a wrong one or another scheme: 401 problem details with WWW-Authenticate, and nothing is read")
    func missingOrWrongToken() async throws {
        try await withAdminServer { server async throws in
            let attempts: [(label: String, credentials: AdminTestServer.Credentials)] = [
                ("no header", .none),
                ("unknown token", .bearer("tadm_" + String(repeating: "x", count: 43))),
                ("the token with one character more", .bearer(server.token + "x")),
                ("Basic scheme", .header("Authorization", "Basic \(server.token)")),
                ("X-API-Key, which only tenant keys use", .header("X-API-Key", server.token)),
                ("empty Bearer", .header("Authorization", "Bearer ")),
            ]
            for attempt in attempts {
                for path in ["/v1/admin/tenants", "/v1/admin/flags"] {
                    let answer = try await server.call(.GET, path, as: attempt.credentials)
                    #expect(answer.status == 401, "\(attempt.label) \(path): \(answer.text)")
                    #expect(answer.problemType == "unauthorized", "\(attempt.label)")
                    #expect(answer.response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                    #expect(answer.json["tenants"] == nil && answer.json["flags"] == nil)
                }
            }
            let missing = try await server.call(.GET, "/v1/admin/tenants", as: .none)
            #expect((missing.json["detail"] as? String)?.contains("no admin token") == true)
            let wrong = try await server.call(.GET, "/v1/admin/tenants", as: .bearer("tadm_wrong"))
            #expect((wrong.json["detail"] as? String)?.contains("unknown or has been revoked") == true)

            // A change with no token writes nothing.
            let refused = try await server.call(.POST, "/v1/admin/flags", #"{"key":"sneaky"}"#, as: .none)
            #expect(refused.status == 401)
            #expect(try await server.runtime.flags.load(FlagKey("sneaky")) == nil)
        }
    }

    @Test("the scheme name is case-insensitive and the token works on every admin route family")
    func recordedTokenWorks() async throws {
        try await withAdminServer { server async throws in
            #expect(try await server.call(.GET, "/v1/admin/tenants").status == 200)
            #expect(try await server.call(.GET, "/v1/admin/flags", as: .header("Authorization", "bearer \(server.token)")).status == 200)
            #expect(try await server.call(.GET, "/v1/admin/flags", as: .header("Authorization", "BEARER  \(server.token)")).status == 200)
        }
    }

    @Test("a revoked token stops working within moments, in the running server")
    func revokedToken() async throws {
        try await withAdminServer { server async throws in
            let other = try await server.runtime.adminTokens.issue(label: "short-lived", actor: "test:admin")
            #expect(await server.views.adminTokens.waitUntil(timeout: .conditionDeadline) { $0.authenticate(token: other.secret) != nil })
            #expect(try await server.call(.GET, "/v1/admin/tenants", as: .bearer(other.secret)).status == 200)

            _ = try await server.runtime.adminTokens.revoke(other.record.prefix, actor: "test:admin", reason: "rotated")
            #expect(await server.views.adminTokens.waitUntil(timeout: .conditionDeadline) { $0.authenticate(token: other.secret) == nil })
            let answer = try await server.call(.GET, "/v1/admin/tenants", as: .bearer(other.secret))
            #expect(answer.status == 401, "\(answer.text)")
            #expect(answer.problemType == "unauthorized")
            // The other token is untouched.
            #expect(try await server.call(.GET, "/v1/admin/tenants").status == 200)
        }
    }

    @Test("a tenant's API key is refused with 403 admin-token-required; an admin token gets nothing from OFREP")
    func keysDoNotCross() async throws {
        try await withAdminServer { server async throws in
            let tenantKey = server.tenants[0].apiKey
            let answer = try await server.call(.GET, "/v1/admin/tenants", as: .bearer(tenantKey))
            #expect(answer.status == 403, "\(answer.text)")
            #expect(answer.problemType == "admin-token-required")

            for token in [server.token, server.configuredToken] {
                let ofrep = try await server.client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{}}"#, apiKey: token)
                #expect(ofrep.status == 401, "\(ofrep.text)")
            }
        }
    }

    @Test("TENANTRY_ADMIN_TOKEN is accepted beside recorded tokens, and signs changes admin:TENANTRY_ADMIN_TOKEN; recorded ones sign with their label")
    func configuredToken() async throws {
        try await withAdminServer { server async throws in
            let configured = try await server.call(.POST, "/v1/admin/flags", #"{"key":"from-env"}"#, as: .bearer(server.configuredToken))
            #expect(configured.status == 201, "\(configured.text)")
            #expect(try await server.lastActor(of: "flag-from-env") == "admin:TENANTRY_ADMIN_TOKEN")

            let recorded = try await server.call(.POST, "/v1/admin/flags", #"{"key":"from-token"}"#)
            #expect(recorded.status == 201, "\(recorded.text)")
            #expect(try await server.lastActor(of: "flag-from-token") == "admin:tests")

            // A configured token with one character changed is just wrong.
            var altered = Array(server.configuredToken)
            altered[altered.count - 1] = altered[altered.count - 1] == "a" ? "b" : "a"
            #expect(try await server.call(.GET, "/v1/admin/flags", as: .bearer(String(altered))).status == 401)
        }
    }

    @Test("a configured token shorter than 32 characters is refused, naming the variable and the minimum")
    func shortConfiguredToken() throws {
        #expect(throws: AdminTokenError.self) { try ConfiguredAdminToken(String(repeating: "a", count: 31)) }
        do {
            _ = try ConfiguredAdminToken("  short  ")
            Issue.record("a short token was accepted")
        } catch {
            #expect(error.description.contains("TENANTRY_ADMIN_TOKEN"))
            #expect(error.description.contains("32"))
        }
        let token = String(repeating: "k", count: 32)
        let configured = try ConfiguredAdminToken(token + "\n")
        #expect(configured.matches(token))
        #expect(!configured.matches(token + "k"))
    }

    @Test("admin bodies may be larger than OFREP's 64 KiB, up to 1 MiB; beyond, 413 with the admin limit")
    func bodyLimit() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let description = String(repeating: "d", count: 900)
            var flags: [String] = []
            for index in 0..<150 {
                flags.append(#""f\#(index)":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"off","metadata":{"description":"\#(description)"}}"#)
            }
            let document = #"{"flags":{\#(flags.joined(separator: ","))}}"#
            #expect(document.utf8.count > 128 * 1024)
            let imported = try await server.call(.POST, "/v1/admin/flags/import?dryRun=true", document)
            #expect(imported.status == 200, "\(imported.text.prefix(300))")

            let huge = #"{"key":"x","description":"\#(String(repeating: "x", count: 1024 * 1024))"}"#
            let refused = try await server.call(.POST, "/v1/admin/flags", huge)
            server.expect(413, refused)
            #expect(refused.problemType == "content-too-large")
            #expect(refused.json["limit"] as? Int == 1024 * 1024)
        }
    }

    @Test("wrong methods on admin paths answer 405 with Allow, before authentication")
    func methodNotAllowed() async throws {
        try await withAdminServer { server async throws in
            let cases: [(HTTPMethod, String, String)] = [
                (.DELETE, "/v1/admin/tenants", "GET"),
                (.GET, "/v1/admin/tenants/acme/suspend", "POST"),
                (.PUT, "/v1/admin/flags/x", "GET"),
                (.GET, "/v1/admin/flags/x/rollout", "PUT, DELETE"),
                (.GET, "/v1/admin/flags/import", "POST"),
            ]
            for (method, path, allow) in cases {
                let answer = try await server.call(method, path, as: .none)
                #expect(answer.status == 405, "\(method) \(path): \(answer.text)")
                #expect(answer.response.header("Allow")?.hasPrefix(allow) == true, "\(path): \(answer.response.header("Allow") ?? "-")")
            }
        }
    }
}
