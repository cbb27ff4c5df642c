import Foundation
import NIOHTTP1
import Testing
import WasmTestSupport

@Suite("Admin API: a pooled tenant's WebAssembly customization", .serialized)
struct AdminTenantCustomizationRoutesTests {
    /// A module whose attributes-change validator refuses when the change sets anything.
    static func module() throws -> [UInt8] {
        let manifest = #"{"abi":1,"id":"frozen-attributes","version":"1.0.0","summary":"s","settings":[{"name":"who","kind":"string","summary":"whom to ask"}],"hooks":{"validate":["attributes-change"]}}"#
        let answers = [#"{"refuse":"attributes are frozen"}"#]
        return try ModuleFixtures.bytes(ModuleFixtures.wat(
            manifest: manifest, functions: "(func (export \"tenantry_validate\") (param i32 i32) (result i64) \(ModuleFixtures.packed(answers, 0)))", answers: answers))
    }

    @Test("PUT assigns a module (its validators then judge the tenant's changes), GET shows it, DELETE removes it; refusals are problems naming the member")
    func assignShowRemove() async throws {
        try await withAdminServer { server async throws in
            let slug = try #require(server.tenants.first?.tenant.slug)
            server.expect(201, try await AdminCustomizationRoutesTests.install(server, try Self.module()))
            let path = "/v1/admin/tenants/\(slug)/customization"
            server.expect(404, try await server.call(.GET, path))

            let assigned = server.expect(200, try await server.call(.PUT, path, #"{"customization":"frozen-attributes","settings":{"who":"ops"},"reason":"audit"}"#))
            #expect(assigned["customization"] as? String == "frozen-attributes" && assigned["version"] as? String == "1.0.0")
            #expect((assigned["module"] as? String)?.hasPrefix("sha256:") == true && assigned["assignedBy"] as? String == "admin:tests")
            #expect(server.expect(200, try await server.call(.GET, path))["settings"] as? [String: String] == ["who": "ops"])
            let refused = try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"tier":"gold"}}"#)
            server.expect(422, refused)
            #expect(refused.problemType == "customization-refused" && (refused.json["detail"] as? String)?.contains("attributes are frozen") == true, "\(refused.text)")

            for (body, field) in [
                (#"{"customization":"nothing-here"}"#, "customization"),
                (#"{"customization":"frozen-attributes","settings":{}}"#, "settings"),
                (#"{"customization":"frozen-attributes","settings":{"who":"ops"},"color":"red"}"#, "color"),
                (#"{"settings":{}}"#, "customization"),
            ] {
                let answer = try await server.call(.PUT, path, body)
                server.expect(400, answer)
                #expect(answer.field == field, "\(body): \(answer.text)")
            }
            server.expect(404, try await server.call(.PUT, "/v1/admin/tenants/nobody/customization", #"{"customization":"frozen-attributes"}"#))
            server.expect(405, try await server.call(.POST, path, "{}"))

            #expect(try await server.call(.DELETE, path, #"{"reason":"thawed"}"#).status == 204)
            server.expect(404, try await server.call(.GET, path))
            server.expect(404, try await server.call(.DELETE, path))
            server.expect(200, try await server.call(.POST, "/v1/admin/tenants/\(slug)/attributes", #"{"set":{"tier":"gold"}}"#))
        }
    }
}
