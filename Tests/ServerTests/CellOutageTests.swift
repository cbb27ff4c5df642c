import EmbeddedPostgres
import Foundation
import HTTPTestSupport
import PostgresClient
import Tenantry
import TestSupport
import Testing

@Suite("A cell whose PostgreSQL stops")
struct CellOutageTests {
    /// `tenant create` with the binary: the new tenant's id and slug.
    static func create(_ name: String, environment: [String: String]) async throws -> (id: String, slug: String) {
        let created = try await TenantryProcess.run(["tenant", "create", name, "--email", "it@cells.example", "--json"], environment: environment)
        #expect(created.status == 0, "\(created.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any])
        return (try #require(object["id"] as? String), try #require(object["slug"] as? String))
    }

    /// The cell a tenant (by id) is placed in, read from the control plane.
    static func cell(of tenant: String, controlPlane: PostgresConfiguration) async throws -> String? {
        guard let id = UUID(uuidString: tenant) else { return nil }
        return try await PostgresConnection.withConnection(controlPlane) { connection in
            try await connection.query("SELECT cell FROM tenantry.tenant_placements WHERE tenant_id = \(id)")
                .rows.first?.decode(String?.self) ?? nil
        }
    }

    @Test("its tenants' data requests answer 503, the others' keep working, /readyz names it and stays ready, signups go elsewhere; all of it heals when it is back")
    func aStoppedCellAffectsOnlyItsTenants() async throws {
        let home = TestCluster.packageRoot.appendingPathComponent(".tenantry/test-clusters/cells-\(UUID().uuidString.prefix(8))").path
        let token = "cells-outage-admin-token-" + UUID().uuidString
        let environment = ["TENANTRY_HOME": home, "TENANTRY_ADMIN_TOKEN": token]
        defer {
            _ = try? FileManager.default.removeItem(atPath: home)
        }
        let up = try await TenantryProcess.run(["dev", "up", "--cells", "2"], environment: environment)
        #expect(up.status == 0, "\(up.standardError)")
        #expect(up.standardOutput.contains("cell:     cell-2 (embedded:cell-2"))
        do {
            try await exercise(home: home, environment: environment, token: token)
        } catch {
            _ = try? await TenantryProcess.run(["dev", "down"], environment: environment)
            throw error
        }
        let down = try await TenantryProcess.run(["dev", "down"], environment: environment)
        #expect(down.standardOutput.contains("stopped embedded cell cell-2"))
    }

    private func exercise(home: String, environment: [String: String], token: String) async throws {
        let main = DatabaseTarget.embeddedCluster(environment: environment)
        let controlPlane = PostgresConfiguration(connectionString: main.connectionString(database: DatabaseTarget.embeddedDatabaseName))
        // Both cells empty: the policy's tie goes to cell-2, then main has fewer.
        let (farID, far) = try await Self.create("Far Cell Co", environment: environment)
        let (nearID, near) = try await Self.create("Near Cell Co", environment: environment)
        #expect(try await Self.cell(of: farID, controlPlane: controlPlane) == "cell-2")
        #expect(try await Self.cell(of: nearID, controlPlane: controlPlane) == "main")

        // Each cell's feed, labelled with its cell.
        let appended = try await TenantryProcess.run(
            ["events", "append", "note-1", "--tenant", farID, "--type", "NotedFar", "--data", "{}"], environment: environment)
        #expect(appended.status == 0, "\(appended.standardError)")
        let tail = try await TenantryProcess.run(["events", "tail", "--json"], environment: environment)
        #expect(tail.lines.contains { $0.hasPrefix(#"{"cell":"cell-2","#) && $0.contains("NotedFar") }, "\(tail.standardOutput)")
        #expect(tail.lines.contains { $0.hasPrefix(#"{"cell":"main","#) })

        let serve = try await ServeProcess.start(databaseURL: controlPlane.connectionString, environment: environment)
        defer { serve.process.interrupt() }
        let admin = [("Authorization", "Bearer \(token)")]
        func readiness() async throws -> (status: Int, cell: [String: Any]?) {
            let answer = try await serve.client.get("/readyz", apiKey: nil)
            let cells = answer.jsonObject?["cells"] as? [String: Any]
            return (answer.status, cells?["cell-2"] as? [String: Any])
        }
        try await waitUntil("the first cell check reports cell-2") { try await readiness().cell?["ok"] as? Bool == true }

        try await DatabaseTarget.embeddedCell("cell-2", environment: environment).stop()
        try await waitUntil("/readyz reports cell-2 down") { try await readiness().cell?["ok"] as? Bool == false }
        #expect(try await readiness().status == 200)

        let farForget = try await serve.client.post("/v1/admin/tenants/\(far)/forget", json: #"{"reason":"request 1"}"#, apiKey: nil, headers: admin)
        #expect(farForget.status == 503, "\(farForget.text)")
        #expect(farForget.header("Retry-After") != nil)
        #expect(farForget.jsonObject?["type"] as? String == "https://tenantry.dev/problems/database-unavailable")
        let nearForget = try await serve.client.post("/v1/admin/tenants/\(near)/forget", json: #"{"reason":"request 2"}"#, apiKey: nil, headers: admin)
        #expect(nearForget.status == 200, "\(nearForget.text)")
        // A signup while cell-2 is down lands in main, though cell-2 holds fewer tenants.
        let signup = try await serve.client.post(
            "/v1/admin/tenants", json: #"{"organization":"Signed Up Meanwhile","email":"a@meanwhile.example"}"#, apiKey: nil, headers: admin)
        #expect(signup.status == 201, "\(signup.text)")
        let signedUp = try #require((signup.jsonObject?["tenant"] as? [String: Any])?["id"] as? String)
        #expect(try await Self.cell(of: signedUp, controlPlane: controlPlane) == "main")
        let append = try await TenantryProcess.run(
            ["events", "append", "note-1", "--tenant", farID, "--type", "Noted", "--data", "{}"], environment: environment)
        #expect(append.status != 0)
        #expect(append.standardError.split(separator: "\n").count == 1, "\(append.standardError)")

        // The registry lists a cell's tenants (from the control plane: a down cell does not matter).
        let listed = try await serve.client.get("/v1/admin/tenants?cell=cell-2", apiKey: nil, headers: admin)
        let slugs = ((listed.jsonObject?["tenants"] as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String }
        #expect(slugs.contains(far) && !slugs.contains(near), "\(listed.text)")
        let badCell = try await serve.client.get("/v1/admin/tenants?cell=Cell_2", apiKey: nil, headers: admin)
        #expect(badCell.status == 400 && badCell.jsonObject?["field"] as? String == "cell", "\(badCell.text)")
        let listedByCLI = try await TenantryProcess.run(["tenant", "list", "--cell", "cell-2", "--json"], environment: environment)
        #expect(listedByCLI.standardOutput.contains(far) && !listedByCLI.standardOutput.contains(near), "\(listedByCLI.standardOutput)")

        let again = try await TenantryProcess.run(["dev", "up"], environment: environment)
        #expect(again.status == 0, "\(again.standardError)")
        try await waitUntil("/readyz reports cell-2 back") { try await readiness().cell?["ok"] as? Bool == true }
        let healed = try await serve.client.post("/v1/admin/tenants/\(far)/forget", json: #"{"reason":"request 3"}"#, apiKey: nil, headers: admin)
        #expect(healed.status == 200, "\(healed.text)")
    }
}
