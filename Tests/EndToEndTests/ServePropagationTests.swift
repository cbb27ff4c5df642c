import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

@Suite("A flag changed through the CLI reaches a running server")
struct ServePropagationTests {
    @Test("tenantry flag set in one process is served by tenantry serve's OFREP endpoint in another, without polling the database")
    func cliChangeReachesServer() async throws {
        try await withTestDatabase { database async throws in
            let env = ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            let created = try await TenantryProcess.run(
                ["tenant", "create", "Propagation \(UUID().uuidString.prefix(6))", "--email", "ops@propagation.example", "--json"],
                environment: env
            )
            #expect(created.status == 0, "\(created.standardError)")
            let tenant = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
            let apiKey = try #require(tenant["apiKey"] as? String)
            let slug = try #require(tenant["slug"] as? String)

            let server = try TenantryProcess.start(["serve", "--port", "0"], environment: env)
            defer { server.interrupt() }
            try await waitUntil("the server listens") { server.standardOutput.contains("listening on ") }
            let line = try #require(server.standardOutput.split(separator: "\n").first { $0.hasPrefix("listening on ") })
            let endpoint = try #require(URL(string: String(line.dropFirst("listening on ".count)) + "/ofrep/v1/evaluate/flags/new-billing"))

            let defined = try await TenantryProcess.run(["flag", "define", "new-billing", "--type", "boolean"], environment: env)
            #expect(defined.status == 0, "\(defined.standardError)")
            try await waitUntil("the server serves the new flag") { try await Self.variant(at: endpoint, apiKey: apiKey) == "off" }

            let set = try await TenantryProcess.run(["flag", "set", "new-billing", "on", "--tenant", slug, "--reason", "beta"], environment: env)
            #expect(set.status == 0, "\(set.standardError)")
            // From the moment the CLI has exited (its change committed) until the server serves it.
            let committed = ContinuousClock.now
            try await waitUntil("the server serves the override") { try await Self.variant(at: endpoint, apiKey: apiKey) == "on" }
            let delay = ContinuousClock.now - committed
            print("propagation: CLI commit → served by OFREP in \(delay)")

            server.interrupt()
            let stopped = try await server.finish()
            #expect(stopped.status == 0, "graceful shutdown exits 0: \(stopped.standardError)")
        }
    }

    /// The variant the server's OFREP endpoint gives the tenant now, or nil when it answers otherwise.
    static func variant(at endpoint: URL, apiKey: String) async throws -> String? {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"context":{}}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200,
            let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return body["variant"] as? String
    }
}
