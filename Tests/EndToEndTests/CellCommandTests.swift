import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("tenantry cell and tenant move, end to end")
struct CellCommandTests {
    /// How many events of stream `doc-1` a database holds, read as its superuser.
    static func documentEvents(in database: TestDatabase) async throws -> Int {
        try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
            try await connection.query("SELECT count(*) FROM tenantry.events WHERE stream_name = 'doc-1'").rows.first?.decode(Int.self) ?? -1
        }
    }

    /// Checks a refusal: its exit status, and one line on stderr saying `message`.
    static func expectRefusal(
        _ outcome: TenantryProcess.Outcome, status: Int32, saying message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == status, "\(outcome.standardError)", sourceLocation: sourceLocation)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)", sourceLocation: sourceLocation)
    }

    @Test("add, list --check, create --cell, drain, refusals, move out and back (--keep-source, then purge), remove once empty")
    func cellLifecycle() async throws {
        try await withTestDatabase { controlPlane async throws in
            try await withTestDatabase { second async throws in
                try await Self.lifecycle(controlPlane: controlPlane, second: second)
            }
        }
    }

    private static func lifecycle(controlPlane: TestDatabase, second: TestDatabase) async throws {
        let cli = FlagCLI(controlPlane)
        let location = "database:\(second.name)"
        let added = try await cli.succeed("cell", "add", "b", "--location", location, "--capacity", "10", "--reason", "a second cluster")
        #expect(added == "cell b: open, 0 of 10 tenants, at \(location)\n")

        let listed = try #require(try await cli.json("cell", "list", "--check", "--json") as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["b", "main"])
        #expect(listed.allSatisfy { $0["healthy"] as? Bool == true && $0["healthProblem"] is NSNull }, "\(listed)")
        #expect(listed.first?["location"] as? String == location)
        #expect(listed.first?["capacity"] as? Int == 10 && listed.first?["tenants"] as? Int == 0)
        #expect(listed.last?["location"] as? String == "control-plane" && listed.last?["capacity"] is NSNull)

        // A tenant named for b lives there: its events go to b's database only.
        let created = try #require(try await cli.json("tenant", "create", "Cell Co", "--email", "ops@cell.example", "--cell", "b", "--json") as? [String: Any])
        #expect(created["cell"] as? String == "b")
        let slug = try #require(created["slug"] as? String)
        let id = try #require(created["id"] as? String)
        try await cli.succeed("events", "append", "doc-1", "--tenant", id, "--type", "Noted", "--data", "{}")
        #expect(try await Self.documentEvents(in: second) == 1)
        #expect(try await Self.documentEvents(in: controlPlane) == 0)
        #expect(try await cli.succeed("tenant", "show", slug).contains("cell:       b\n"))

        #expect(try await cli.succeed("cell", "drain", "b", "--reason", "maintenance") == "cell b: draining, 1 of 10 tenants, at \(location)\n")
        Self.expectRefusal(
            try await cli.run("tenant", "create", "Refused Co", "--email", "ops@refused.example", "--cell", "b"),
            status: 65, saying: "cell b is draining: it takes no new tenants")
        Self.expectRefusal(try await cli.run("cell", "remove", "b"), status: 65, saying: "cell b holds 1 tenant: move them out first")

        // Out to main: copied, switched, verified, and the old copy purged.
        let out = try await cli.run("tenant", "move", slug, "--to-cell", "main", "--reason", "draining b", "--json")
        #expect(out.status == 0, "\(out.standardError)")
        #expect(out.standardError.isEmpty, "--json prints no progress: \(out.standardError)")
        let moved = try #require(try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as? [String: Any])
        #expect(moved["tenant"] as? String == slug && moved["from"] as? String == "b" && moved["to"] as? String == "main")
        #expect(moved["moved"] as? Bool == true && (moved["rounds"] as? Int ?? 0) >= 1 && (moved["fencedMilliseconds"] as? Int ?? -1) >= 0)
        let copied = try #require(moved["copiedEvents"] as? Int)
        #expect(copied >= 1)
        let purged = try #require(moved["purged"] as? [String: Any], "\(moved)")
        #expect(purged["cell"] as? String == "b" && purged["events"] as? Int == copied)
        #expect(try await Self.documentEvents(in: second) == 0)
        #expect(try await Self.documentEvents(in: controlPlane) == 1)

        // Back to b, closed (it takes tenants named for it), keeping main's copy: purge deletes it later.
        try await cli.succeed("cell", "close", "b")
        let back = try await cli.run("tenant", "move", slug, "--to-cell", "b", "--reason", "back to b", "--keep-source")
        #expect(back.status == 0, "\(back.standardError)")
        #expect(back.standardError.contains("copying \(slug)'s personal data keys and events from cell main to cell b"), "\(back.standardError)")
        #expect(back.lines.first == "\(slug): moved from cell main to cell b", "\(back.standardOutput)")
        #expect(back.standardOutput.contains("old copy: not purged: kept (--keep-source)"), "\(back.standardOutput)")
        let shown = try #require(try await cli.json("tenant", "show", slug, "--json") as? [String: Any])
        #expect(shown["cell"] as? String == "b" && shown["unpurgedCellCopy"] as? String == "main")
        #expect(try await Self.documentEvents(in: controlPlane) == 1)

        let purge = try #require(try await cli.json("tenant", "purge", slug, "--reason", "checked the copy in b", "--json") as? [String: Any])
        #expect(purge["cell"] as? String == "main" && purge["events"] as? Int == copied, "\(purge)")
        #expect(try await Self.documentEvents(in: controlPlane) == 0)
        #expect(try await Self.documentEvents(in: second) == 1)
        let afterPurge = try #require(try await cli.json("tenant", "show", slug, "--json") as? [String: Any])
        #expect(afterPurge["unpurgedCellCopy"] is NSNull)

        // Emptied, b can go; main holds the tenant again.
        try await cli.succeed("tenant", "move", slug, "--to-cell", "main", "--reason", "retiring b")
        #expect(try await cli.succeed("cell", "remove", "b", "--reason", "retired") == "cell b removed\n")
        let remaining = try #require(try await cli.json("cell", "list", "--json") as? [[String: Any]])
        #expect(remaining.map { $0["name"] as? String } == ["main"] && remaining.first?["tenants"] as? Int == 1)
    }

    @Test("bad names, locations and capacities are one line naming the option (64); unknown cells 66; main and unset variables refused")
    func refusals() async throws {
        try await withTestDatabase { database async throws in
            let cli = FlagCLI(database)
            let usage: [(arguments: [String], message: String)] = [
                (["cell", "add", "Bad_Name", "--location", "database:x"], "<name>: invalid cell name \"Bad_Name\""),
                (["cell", "add", "b", "--location", "postgresql://db.example/x"], "--location: invalid cell location"),
                (["cell", "add", "b", "--location", "control-plane:x"], "--location: invalid cell location"),
                (["cell", "add", "b", "--location", "database:x", "--capacity", "0"], "--capacity must be from 1"),
                (["cell", "capacity", "b", "ten"], "<n|none>: give the most tenants"),
                (["cell", "drain", "B"], "<name>: invalid cell name \"B\""),
                (["tenant", "create", "X", "--email", "ops@x.example", "--cell", "B"], "--cell: invalid cell name"),
                (["tenant", "move", "x", "--to-cell", "b c", "--reason", "r"], "--to-cell: invalid cell name"),
                (["tenant", "move", "x", "--to-cell", "b"], "--reason"),
            ]
            for refusal in usage {
                Self.expectRefusal(try await cli.run(refusal.arguments), status: 64, saying: refusal.message)
            }
            Self.expectRefusal(try await cli.run("cell", "drain", "nowhere"), status: 66, saying: "no cell named nowhere")
            Self.expectRefusal(
                try await cli.run("tenant", "create", "X", "--email", "ops@x.example", "--cell", "nowhere"), status: 66, saying: "no cell named nowhere")
            Self.expectRefusal(try await cli.run("cell", "remove", "main"), status: 65, saying: "cannot be removed")
            Self.expectRefusal(
                try await cli.run("cell", "add", "c", "--location", "database:\(database.name)"), status: 65,
                saying: "is the control plane's own database, which is cell main")
            Self.expectRefusal(
                try await cli.run("cell", "add", "c", "--location", "env:TENANTRY_CELL_UNSET_URL"), status: 69,
                saying: "TENANTRY_CELL_UNSET_URL is not set")
            let listed = try #require(try await cli.json("cell", "list", "--json") as? [[String: Any]])
            #expect(listed.map { $0["name"] as? String } == ["main"])
        }
    }
}
