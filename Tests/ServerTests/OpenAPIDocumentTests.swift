import Foundation
import Hummingbird
import NIOHTTP1
@testable import TenantryServer
import Testing

@Suite("The OpenAPI document matches the routes")
struct OpenAPIDocumentTests {
    @Test("/openapi.yaml is valid OpenAPI 3.1, documents every registered route, and every undocumented method of a path answers 405")
    func documentMatchesRoutes() async throws {
        try await withTestServer(transport: .socket) { server in
            let served = try await server.client.send(.GET, "/openapi.yaml")
            #expect(served.status == 200)
            #expect(served.header("Content-Type")?.hasPrefix("application/yaml") == true)
            #expect(served.body == OpenAPIRoutes<TenantryRequestContext>.document)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tenantry-openapi-\(UUID().uuidString).yaml")
            try Data(served.body).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try await PythonTool.run("openapi_operations.py", [file.path])
            try #require(outcome.status == 0, "\(outcome.standardError)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
            #expect(parsed["validated"] as? Bool == true, "openapi-spec-validator is not installed: run make python-tools")
            let pairs = try #require(parsed["operations"] as? [[String]])
            let documented = Set(pairs.map { "\($0[0]) \($0[1])" })

            // Every route the router has either serves its method, and is documented, or is
            // one of the 405 refusals for a known path, and is not. Which one a route is, its
            // answer says (a served route answers an unauthenticated, bodyless request with
            // 400, 401, 404, …, never 405 method-not-allowed).
            var serving = Set<String>()
            for route in server.server.router().routes where route.method != .head {
                let path = Self.openAPIPath(route.path.description)
                let operation = "\(route.method.rawValue) \(path)"
                let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                let response = try await server.client.send(HTTPMethod(rawValue: route.method.rawValue), concrete)
                if response.status == 405 && response.problemType == "method-not-allowed" {
                    #expect(!documented.contains(operation), "openapi.yaml documents \(operation), but the server answers it 405")
                } else {
                    serving.insert(operation)
                    #expect(documented.contains(operation), "\(operation) is served but not in openapi.yaml (answered \(response.status))")
                }
            }
            // And nothing documented that the server does not serve (a path it does not know
            // at all, or a method it refuses).
            for operation in documented.subtracting(serving) {
                Issue.record("openapi.yaml documents \(operation), which no route serves")
            }
        }
    }

    /// Hummingbird's `/flags/:key` as OpenAPI's `/flags/{key}`.
    static func openAPIPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        return absolute.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
    }
}
