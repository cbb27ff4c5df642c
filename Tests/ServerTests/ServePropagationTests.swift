import Foundation
import HTTPTestSupport
import TestSupport
import Testing

@Suite("A flag changed through the CLI reaches a running server")
struct ServePropagationTests {
    @Test("tenantry flag set in one process is served by tenantry serve's OFREP endpoint in another; the delay is measured")
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

            let serving = try await ServeProcess.start(databaseURL: database.administratorConnectionString)
            let server = serving.process
            defer { server.interrupt() }
            let client = serving.client

            let defined = try await TenantryProcess.run(["flag", "define", "new-billing", "--type", "boolean"], environment: env)
            #expect(defined.status == 0, "\(defined.standardError)")
            try await waitUntil("the server serves the new flag") { try await Self.variant(of: "new-billing", client: client, apiKey: apiKey) == "off" }

            let set = try await TenantryProcess.run(["flag", "set", "new-billing", "on", "--tenant", slug, "--reason", "beta"], environment: env)
            #expect(set.status == 0, "\(set.standardError)")
            // From the moment the CLI has exited (its change committed) until the server serves
            // it, asking back to back (no pause, so the figure is not rounded up to a back-off
            // step); an upper bound, since it includes the CLI's exit. That NOTIFY, not a
            // recheck, wakes the catalog is LiveFlagCatalogTests' to show.
            let committed = ContinuousClock.now
            let deadline = committed + .seconds(20)
            var served = false
            while !served, ContinuousClock.now < deadline {
                served = try await Self.variant(of: "new-billing", client: client, apiKey: apiKey) == "on"
            }
            let delay = ContinuousClock.now - committed
            #expect(served, "the server never served the override")
            print("propagation: CLI commit → served by OFREP in \(delay)")

            server.interrupt()
            let stopped = try await server.finish()
            #expect(stopped.status == 0, "graceful shutdown exits 0: \(stopped.standardError)")
        }
    }

    /// The variant the server's OFREP endpoint gives the tenant now, or nil when it answers otherwise.
    static func variant(of flag: String, client: HTTPTestClient, apiKey: String) async throws -> String? {
        let response = try await client.post("/ofrep/v1/evaluate/flags/\(flag)", json: #"{"context":{}}"#, apiKey: apiKey)
        guard response.status == 200 else { return nil }
        return response.jsonObject?["variant"] as? String
    }
}
