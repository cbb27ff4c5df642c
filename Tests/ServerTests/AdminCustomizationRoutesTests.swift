import Crypto
import EventStore
import Foundation
import NIOHTTP1
import Testing

@Suite("Admin API: installing and listing WebAssembly customizations", .serialized)
struct AdminCustomizationRoutesTests {
    /// `POST /v1/admin/customizations` with `bytes` as `contentType` (none when nil).
    static func install(
        _ server: AdminTestServer, _ bytes: [UInt8], contentType: String? = "application/wasm", query: String = ""
    ) async throws -> AdminTestServer.Answer {
        var headers = [("Authorization", "Bearer \(server.token)")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        return AdminTestServer.Answer(response: try await server.client.send(.POST, "/v1/admin/customizations\(query)", headers: headers, body: bytes))
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The versions `GET /v1/admin/customizations/{id}` lists.
    static func versions(_ id: String, on server: AdminTestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let answer = server.expect(200, try await server.call(.GET, "/v1/admin/customizations/\(id)"), sourceLocation: sourceLocation)
        return (answer["versions"] as? [[String: Any]] ?? []).compactMap { $0["version"] as? String }
    }

    @Test("a module is installed with 201 and its Location, again with the same bytes 200 and nothing recorded; listed beside the compiled ones; read by id and by version")
    func installAndList() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let module = try WasmModules.validator()
            let created = try await Self.install(server, module, query: "?reason=client%27s%20signup%20rules")
            let body = server.expect(201, created)
            #expect(created.response.header("Location") == "/v1/admin/customizations/corporate-email-wasm/versions/1.0.0")
            #expect(body["id"] as? String == "corporate-email-wasm" && body["version"] as? String == "1.0.0" && body["kind"] as? String == "wasm")
            #expect(body["sha256"] as? String == Self.sha256(module) && body["size"] as? Int == module.count, "\(created.text)")
            #expect(body["summary"] as? String == "Signups from the client's domain only")
            #expect(body["hooks"] as? [String] == ["validates signup"], "\(created.text)")
            let settings = try #require(body["settings"] as? [[String: Any]])
            #expect(settings.count == 1 && settings.first?["name"] as? String == "domain" && settings.first?["required"] as? Bool == true)
            #expect(body["installedAt"] is String && body["installedBy"] as? String == "admin:tests")

            let stream = StreamName("customization-corporate-email-wasm")
            let recorded = try await server.runtime.operatorEventStore.readStream(stream, tenant: EventLog.controlPlaneTenantID)
            #expect(recorded.map(\.type) == ["CustomizationModuleInstalled"])
            #expect(recorded.first?.metadata.actor == "admin:tests" && recorded.first?.metadata.reason == "client's signup rules")

            let again = try await Self.install(server, module)
            let same = server.expect(200, again)
            #expect(again.response.header("Location") == nil)
            #expect(same["sha256"] as? String == Self.sha256(module) && same["installedAt"] as? String == body["installedAt"] as? String)
            #expect(try await server.runtime.operatorEventStore.readStream(stream, tenant: EventLog.controlPlaneTenantID).count == 1)

            let newer = try WasmModules.validator(version: "1.1.0")
            server.expect(201, try await Self.install(server, newer))

            let listed = server.expect(200, try await server.call(.GET, "/v1/admin/customizations"))
            let customizations = try #require(listed["customizations"] as? [[String: Any]])
            #expect(customizations.map { "\($0["id"] ?? "") \($0["version"] ?? "") \($0["kind"] ?? "")" } == [
                "audit-forwarder 1.0.0 compiled", "corporate-email 1.0.0 compiled",
                "corporate-email-wasm 1.0.0 wasm", "corporate-email-wasm 1.1.0 wasm",
            ], "\(customizations)")
            let compiled = try #require(customizations.first { $0["id"] as? String == "corporate-email" })
            #expect(compiled["sha256"] == nil && compiled["installedAt"] == nil)
            #expect((compiled["hooks"] as? [String])?.contains("validates signup") == true)
            #expect(customizations.last?["sha256"] as? String == Self.sha256(newer))

            #expect(try await Self.versions("corporate-email-wasm", on: server) == ["1.0.0", "1.1.0"])
            #expect(try await Self.versions("corporate-email", on: server) == ["1.0.0"])
            let one = server.expect(200, try await server.call(.GET, "/v1/admin/customizations/corporate-email-wasm/versions/1.0.0"))
            #expect(one["sha256"] as? String == Self.sha256(module))

            for missing in ["nothing-here", "Not%20An%20Id", "corporate-email-wasm/versions/2.0.0", "corporate-email/versions/0.9.0"] {
                let answer = try await server.call(.GET, "/v1/admin/customizations/\(missing)")
                server.expect(404, answer)
                #expect(answer.problemType == "not-found" && answer.json["resource"] as? String == "customization", "\(missing): \(answer.text)")
            }
            server.expect(405, try await server.call(.PUT, "/v1/admin/customizations"))
            server.expect(405, try await server.call(.DELETE, "/v1/admin/customizations/corporate-email-wasm"))
            server.expect(405, try await server.call(.POST, "/v1/admin/customizations/corporate-email-wasm/versions/1.0.0"))
            server.expect(401, try await server.call(.GET, "/v1/admin/customizations", as: .none))
        }
    }

    @Test("refusals are problems naming what is wrong, and record nothing: 409 for a taken version or a compiled-in id, 422 for a module the host refuses, 413, 415, 400 for a bad reason")
    func refusals() async throws {
        try await withAdminServer(tenants: []) { server async throws in
            let module = try WasmModules.validator()
            server.expect(201, try await Self.install(server, module))

            let otherBytes = try await Self.install(server, try WasmModules.validator(padding: 16))
            server.expect(409, otherBytes)
            #expect(otherBytes.problemType == "customization-conflict" && otherBytes.json["customization"] as? String == "corporate-email-wasm", "\(otherBytes.text)")
            #expect((otherBytes.json["detail"] as? String)?.contains("corporate-email-wasm@1.0.0 is installed already with other bytes (sha256:\(Self.sha256(module)))") == true, "\(otherBytes.text)")

            let compiledID = try await Self.install(server, try WasmModules.validator(id: "corporate-email"))
            server.expect(409, compiledID)
            #expect(compiledID.problemType == "customization-conflict" && compiledID.json["customization"] as? String == "corporate-email", "\(compiledID.text)")
            #expect((compiledID.json["detail"] as? String)?.contains("compiled into this release") == true, "\(compiledID.text)")

            let ungranted = try await Self.install(
                server, try WasmModules.validator(id: "fetcher", imports: #"(import "env" "fetch" (func (param i32) (result i32)))"#))
            server.expect(422, ungranted)
            #expect(ungranted.problemType == "module-refused", "\(ungranted.text)")
            #expect((ungranted.json["detail"] as? String)?.contains("imports env.fetch, which this host does not grant") == true, "\(ungranted.text)")

            let notAModule = try await Self.install(server, Array("not a module".utf8))
            server.expect(422, notAModule)
            #expect(notAModule.problemType == "module-refused", "\(notAModule.text)")

            let tooLarge = try await Self.install(server, [UInt8](repeating: 0, count: 256 * 1024 + 1))
            server.expect(413, tooLarge)
            #expect(tooLarge.problemType == "content-too-large" && tooLarge.json["limit"] as? Int == 256 * 1024, "\(tooLarge.text)")

            for contentType in ["application/json", "application/octet-stream", nil] {
                let answer = try await Self.install(server, try WasmModules.validator(id: "typed"), contentType: contentType)
                server.expect(415, answer)
                #expect(answer.problemType == "unsupported-media-type" && answer.response.header("Accept-Post") == "application/wasm", "\(contentType ?? "none"): \(answer.text)")
            }

            let badReason = try await Self.install(server, try WasmModules.validator(id: "reasoned"), query: "?reason=")
            server.expect(400, badReason)
            #expect(badReason.field == "reason", "\(badReason.text)")

            // Only the first install was recorded.
            let listed = server.expect(200, try await server.call(.GET, "/v1/admin/customizations"))
            let wasm = (listed["customizations"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "wasm" }
            #expect(wasm.map { "\($0["id"] ?? "")@\($0["version"] ?? "")" } == ["corporate-email-wasm@1.0.0"], "\(wasm)")
            #expect(wasm.first?["sha256"] as? String == Self.sha256(module))
        }
    }
}
