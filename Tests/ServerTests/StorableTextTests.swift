import Foundation
import NIOHTTP1
import Testing

@Suite("U+0000 in text: refused with 400 naming the field, before anything is written")
struct StorableTextTests {
    /// Bodies of the admin API with a NUL in one field, and the field each problem must name.
    static func refusals(slug: String) -> [(method: HTTPMethod, path: String, body: String, field: String)] {
        [
            (.POST, "/v1/admin/tenants/\(slug)/suspend", #"{"reason":"a\u0000b"}"#, "reason"),
            (.POST, "/v1/admin/tenants/\(slug)/resume", #"{"reason":"a\u0000b"}"#, "reason"),
            (.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"region":"eu\u0000"}}"#, "set.region"),
            (.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"re\u0000gion":"eu"}}"#, "set.re\u{0}gion"),
            (.POST, "/v1/admin/flags", #"{"key":"nul-flag","description":"x\u0000"}"#, "description"),
            (.POST, "/v1/admin/flags", #"{"key":"nul-flag","metadata":{"owner":"\u0000"}}"#, "metadata.owner"),
            (.POST, "/v1/admin/flags", #"{"key":"nul-flag","type":"string","variants":{"a":"\u0000","b":"y"},"defaultVariant":"b"}"#, "variants.a"),
            (.POST, "/v1/admin/flags/beta/rules", #"{"name":"r\u0000","variant":"on","condition":"tenant.plan eq pro"}"#, "name"),
            (.POST, "/v1/admin/flags/beta/rules", #"{"variant":"on","condition":{"attribute":"tenant.plan","operator":"eq","value":"p\u0000"}}"#, "condition.value"),
            (.PUT, "/v1/admin/flags/beta/rollout", #"{"percent":50,"bucketBy":"user\u0000"}"#, "bucketBy"),
        ]
    }

    @Test("admin bodies with U+0000 in a reason, attribute, description, metadata, variant, rule or bucketBy: 400 naming it")
    func adminBodies() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            server.expect(201, try await server.call(.POST, "/v1/admin/flags", #"{"key":"beta"}"#))
            for refusal in Self.refusals(slug: slug) {
                let answer = try await server.call(refusal.method, refusal.path, refusal.body)
                server.expect(400, answer)
                #expect(answer.problemType == "invalid-request", "\(refusal.path) \(refusal.body)")
                #expect(answer.field == refusal.field, "\(refusal.path) \(refusal.body): \(answer.text)")
                #expect((answer.json["detail"] as? String)?.contains("U+0000") == true, "\(answer.text)")
            }
            // Nothing was written: the tenant is active, no flag nul-flag exists, beta has no rule.
            #expect(server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(slug)"))["state"] as? String == "active")
            server.expect(404, try await server.call(.GET, "/v1/admin/flags/nul-flag"))
        }
    }

    @Test("offboarding with U+0000 in the reason: 400, no export file, the tenant still active")
    func offboardWritesNothing() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/offboard", #"{"reason":"gone\u0000"}"#)
            server.expect(400, answer)
            #expect(answer.field == "reason")
            let exports = (try? FileManager.default.contentsOfDirectory(atPath: server.exportDirectory.path)) ?? []
            #expect(exports.isEmpty, "\(exports)")
            #expect(server.expect(200, try await server.call(.GET, "/v1/admin/tenants/\(slug)"))["state"] as? String == "active")
        }
    }

    @Test("a query parameter with U+0000 (?reason= on flag import) is 400 naming the parameter")
    func queryParameter() async throws {
        try await withAdminServer { server async throws in
            let answer = try await server.call(.POST, "/v1/admin/flags/import?dryRun=true&reason=a%00b", #"{"flags":{}}"#)
            server.expect(400, answer)
            #expect(answer.field == "reason", "\(answer.text)")
        }
    }

    @Test("a flagd document to import with U+0000 in it: 400 naming its path, nothing imported")
    func flagImport() async throws {
        try await withAdminServer { server async throws in
            let document = #"{"flags":{"nul-import":{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"on","metadata":{"owner":"a\u0000"}}}}"#
            let answer = try await server.call(.POST, "/v1/admin/flags/import", document)
            server.expect(400, answer)
            #expect(answer.field == "flags.nul-import.metadata.owner", "\(answer.text)")
            server.expect(404, try await server.call(.GET, "/v1/admin/flags/nul-import"))
        }
    }

    @Test("a lone surrogate escape is refused as JSON that is not valid, not stored")
    func loneSurrogate() async throws {
        try await withAdminServer { server async throws in
            let slug = server.tenants[0].tenant.slug
            for text in [#"\ud800"#, #"\udc00x"#] {
                let answer = try await server.call(.POST, "/v1/admin/tenants/\(slug)/suspend", #"{"reason":"a\#(text)"}"#)
                server.expect(400, answer)
                #expect(answer.problemType == "invalid-request")
            }
        }
    }

    @Test("the tenant API refuses it too: a key label with U+0000 is 400 naming label")
    func tenantAPI() async throws {
        try await withTestServer { server in
            let response = try await server.client.post("/v1/tenant/api-keys", json: #"{"label":"ci\u0000"}"#, apiKey: server.apiKey)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.jsonObject?["field"] as? String == "label")
        }
    }
}
