import Foundation
import NIOHTTP1
import Testing

@Suite("HTTP behaviour around the routes: health, limits, methods, unknown routes")
struct HTTPBehaviourTests {
    @Test("GET /healthz is 200 {\"status\":\"ok\"}, HEAD too, other methods 405")
    func health() async throws {
        try await withTestServer(transport: .socket) { server in
            let ok = try await server.client.send(.GET, "/healthz")
            #expect(ok.status == 200)
            #expect(ok.text == #"{"status":"ok"}"#)
            #expect(ok.header("Content-Type") == "application/json")
            let head = try await server.client.send(.HEAD, "/healthz")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            let post = try await server.client.send(.POST, "/healthz", body: [])
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")
        }
    }

    @Test("a request body over 64 KiB: 413 content-too-large problem")
    func bodyTooLarge() async throws {
        try await withTestServer(transport: .socket) { server in
            let key = server.apiKey
            let padding = String(repeating: "x", count: 70 * 1024)
            for path in ["/ofrep/v1/evaluate/flags/any", "/ofrep/v1/evaluate/flags"] {
                let response = try await server.client.post(path, json: #"{"context":{"pad":"\#(padding)"}}"#, apiKey: key)
                #expect(response.status == 413, "\(path): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                let problem = try #require(response.jsonObject)
                #expect(problem["type"] as? String == "https://tenantry.dev/problems/content-too-large")
                #expect(problem["status"] as? Int == 413)
                #expect(problem["limit"] as? Int == 65_536)
            }
            // Just under the limit is read and evaluated.
            let fits = String(repeating: "x", count: 60 * 1024)
            let response = try await server.client.post("/ofrep/v1/evaluate/flags", json: #"{"context":{"pad":"\#(fits)"}}"#, apiKey: key)
            #expect(response.status == 200)
        }
    }

    @Test("the OFREP paths with another method: 405 with Allow: POST, before authentication")
    func methodNotAllowed() async throws {
        try await withTestServer(transport: .socket) { server in
            for (method, path) in [(HTTPMethod.GET, "/ofrep/v1/evaluate/flags"), (.GET, "/ofrep/v1/evaluate/flags/beta"), (.DELETE, "/ofrep/v1/evaluate/flags/beta"), (.PUT, "/ofrep/v1/evaluate/flags")] {
                let response = try await server.client.send(method, path)
                #expect(response.status == 405, "\(method) \(path): \(response.text)")
                #expect(response.header("Allow") == "POST")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(response.jsonObject?["type"] as? String == "https://tenantry.dev/problems/method-not-allowed")
            }
        }
    }

    @Test("an unknown route: 404 not-found problem details, with or without a key")
    func unknownRoute() async throws {
        try await withTestServer(transport: .socket) { server in
            let key = server.apiKey
            for path in ["/nope", "/ofrep/v1/evaluate", "/ofrep/v2/evaluate/flags/x", "/ofrep/v1/evaluate/flags/a/b"] {
                let response = try await server.client.post(path, json: #"{"context":{}}"#, apiKey: key)
                #expect(response.status == 404, "\(path): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                let problem = try #require(response.jsonObject)
                #expect(problem["type"] as? String == "https://tenantry.dev/problems/not-found")
                #expect(problem["status"] as? Int == 404)
                #expect((problem["detail"] as? String)?.contains(path) == true)
            }
        }
    }

    @Test("TRACE, QUERY and methods no route knows (PROPFIND, PURGE) on a known path: 405 with Allow; on an unknown path 404")
    func unknownMethods() async throws {
        try await withTestServer(transport: .socket) { server in
            let methods: [(HTTPMethod, String)] = [(.TRACE, "TRACE"), (.RAW(value: "QUERY"), "QUERY"), (.PROPFIND, "PROPFIND"), (.RAW(value: "PURGE"), "PURGE")]
            for (path, allow) in [("/healthz", "GET, HEAD"), ("/v1/signup", "POST"), ("/v1/admin/tenants", "GET, HEAD, POST"), ("/v1/tenant/api-keys/abc", "DELETE")] {
                for (method, name) in methods {
                    let response = try await server.client.send(method, path)
                    #expect(response.status == 405, "\(name) \(path): \(response.text)")
                    #expect(response.header("Allow") == allow, "\(name) \(path)")
                    #expect(response.jsonObject?["type"] as? String == "https://tenantry.dev/problems/method-not-allowed")
                    #expect((response.jsonObject?["detail"] as? String)?.contains(name) == true, "\(response.text)")
                }
            }
            for (method, name) in methods {
                let response = try await server.client.send(method, "/nope")
                #expect(response.status == 404, "\(name) /nope: \(response.text)")
            }
        }
    }
}
