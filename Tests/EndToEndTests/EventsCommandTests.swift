import EventStore
import Foundation
import PostgresClient
import TestSupport
import Testing

/// The `tenantry events` commands, run as a separate process against a test database.
@Suite("tenantry events, end to end")
struct EventsCommandTests {
    let tenant = "7d444840-9dc0-11d1-b245-5ffdce74fad2"

    func environment(_ database: TestDatabase) -> [String: String] {
        ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
    }

    @Test("append, then read back as a table and as JSON lines")
    func appendAndRead() async throws {
        try await withTestDatabase { database async throws in
            let env = environment(database)
            let first = try await TenantryProcess.run(
                ["events", "append", "account-42", "--tenant", tenant, "--type", "AccountOpened", "--data", #"{"owner":"ada"}"#, "--json"],
                environment: env
            )
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains(#""version":1"#))
            let second = try await TenantryProcess.run(
                ["events", "append", "account-42", "--tenant", tenant, "--type", "Deposited", "--data", #"{"amount":10}"#, "--expected-version", "1"],
                environment: env
            )
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardOutput.contains("at version 2"))

            let table = try await TenantryProcess.run(["events", "read", "account-42", "--tenant", tenant], environment: env)
            #expect(table.status == 0)
            #expect(table.lines.first?.hasPrefix("VERSION") == true)
            #expect(table.lines.count == 3)

            let json = try await TenantryProcess.run(["events", "read", "account-42", "--tenant", tenant, "--json"], environment: env)
            let objects = try json.lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            #expect(objects.map { $0["type"] as? String } == ["AccountOpened", "Deposited"])
            #expect(objects.map { $0["version"] as? Int } == [1, 2])
            #expect((objects.first?["data"] as? [String: Any])?["owner"] as? String == "ada")
            #expect((objects.first?["metadata"] as? [String: Any])?["actor"] as? String != nil)
            for key in ["position", "tenantId", "stream", "id", "recordedAt"] {
                #expect(objects.first?[key] != nil, "missing \(key)")
            }
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let label: String
        let arguments: [String]
        let status: Int32
        let mentions: String
        var testDescription: String { label }
    }

    static let badInputs: [BadInput] = [
        BadInput(label: "empty stream name", arguments: ["", "--type", "X", "--data", "{}"], status: 64, mentions: "stream name"),
        BadInput(label: "stream name without category", arguments: ["account", "--type", "X", "--data", "{}"], status: 64, mentions: "category-id"),
        BadInput(label: "malformed JSON", arguments: ["account-1", "--type", "X", "--data", #"{"a":"#], status: 65, mentions: "not valid JSON"),
        BadInput(label: "U+0000 in a string (PostgreSQL cannot store it)", arguments: ["account-1", "--type", "X", "--data", #"{"note":{"text":"a\u0000b"}}"#], status: 65, mentions: "\"note.text\" contains U+0000"),
        BadInput(label: "JSON that is not an object", arguments: ["account-1", "--type", "X", "--data", "[1]"], status: 65, mentions: "JSON object"),
        BadInput(label: "hostile type name", arguments: ["account-1", "--type", "X'); DROP TABLE tenantry.events; --", "--data", "{}"], status: 65, mentions: "\"type\""),
        BadInput(label: "unknown expected version", arguments: ["account-1", "--type", "X", "--data", "{}", "--expected-version", "soon"], status: 64, mentions: "expected-version"),
        BadInput(label: "oversized data (from a file)", arguments: ["account-1", "--type", "X", "--data", "@" + oversizedPayload.path], status: 65, mentions: "too large"),
        BadInput(label: "data file that does not exist", arguments: ["account-1", "--type", "X", "--data", "@/nonexistent.json"], status: 65, mentions: "cannot read file"),
    ]

    /// 1.2 MB of JSON, over the 1 MiB event limit (and over what one argv string can carry).
    /// Written under the package's `.tenantry/test/`, at a fixed name each run overwrites, so
    /// runs leave nothing behind in the shared temporary folder.
    static let oversizedPayload: URL = {
        let folder = TestCluster.packageRoot.appendingPathComponent(".tenantry/test")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("oversized-event.json")
        let json = "{\"blob\":\"" + String(repeating: "y", count: 1_200_000) + "\"}"
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(json.utf8))
        return url
    }()

    @Test("bad input: non-zero exit, one readable line, nothing written", arguments: badInputs)
    func badInput(_ input: BadInput) async throws {
        try await withTestDatabase { database async throws in
            var arguments = ["events", "append"] + input.arguments
            arguments.insert(contentsOf: ["--tenant", tenant], at: 3)
            let outcome = try await TenantryProcess.run(arguments, environment: environment(database))
            #expect(outcome.status == input.status, "\(outcome.standardError)")
            let errorLines = outcome.standardError.split(separator: "\n")
            #expect(errorLines.count == 1, "\(outcome.standardError)")
            #expect(errorLines.first?.hasPrefix("error: ") == true)
            #expect(outcome.standardError.contains(input.mentions), "\(outcome.standardError)")
            let count = try await PostgresConnection.withConnection(database.administratorConfiguration) { connection in
                try await connection.query("SELECT count(*) FROM tenantry.events").rows.first?.decode(Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test("a wrong expected version exits 75 naming stream, expected and actual; nothing written")
    func wrongExpectedVersion() async throws {
        try await withTestDatabase { database async throws in
            let env = environment(database)
            let arguments = ["events", "append", "account-1", "--tenant", tenant, "--type", "X", "--data", "{}"]
            #expect(try await TenantryProcess.run(arguments, environment: env).status == 0)
            let conflict = try await TenantryProcess.run(arguments + ["--expected-version", "no-stream"], environment: env)
            #expect(conflict.status == 75)
            #expect(conflict.standardError == "error: wrong expected version for stream \"account-1\": expected no stream, actual 1\n")
        }
    }

    @Test("tail --follow --json prints an event appended after it started, then stops cleanly (exit 0) on Ctrl-C")
    func tailFollow() async throws {
        try await withEventStore { store, database async throws in
            try await store.append([try NewEvent(type: "Before", dataJSON: "{}")], to: "feed-1", tenant: UUID())
            let tail = try TenantryProcess.start(["events", "tail", "--follow", "--json"], environment: environment(database))
            try await waitUntil("the existing event is printed") { tail.standardOutput.contains("\"Before\"") }
            try await store.append([try NewEvent(type: "After", dataJSON: #"{"n":1}"#)], to: "feed-1", tenant: UUID())
            try await waitUntil("the new event is printed") { tail.standardOutput.contains("\"After\"") }
            tail.interrupt()
            let outcome = try await tail.finish()
            #expect(outcome.status == 0, "Ctrl-C is a clean stop: \(outcome.standardError)")
            let types = outcome.lines.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["type"] as? String
            }
            #expect(types == ["Before", "After"])
        }
    }

    @Test("tail --tenant narrows to one tenant and --from starts at a position")
    func tailFiltered() async throws {
        try await withEventStore { store, database async throws in
            let mine = try #require(UUID(uuidString: tenant))
            try await store.append([try NewEvent(type: "Other", dataJSON: "{}")], to: "feed-1", tenant: UUID())
            let first = try await store.append([try NewEvent(type: "Mine1", dataJSON: "{}")], to: "feed-1", tenant: mine)
            try await store.append([try NewEvent(type: "Mine2", dataJSON: "{}")], to: "feed-1", tenant: mine)
            let env = environment(database)
            var outcome = try await TenantryProcess.run(["events", "tail", "--tenant", tenant, "--json"], environment: env)
            try await waitUntil("all three are deliverable") {
                outcome = try await TenantryProcess.run(["events", "tail", "--tenant", tenant, "--json"], environment: env)
                return outcome.lines.count == 2
            }
            #expect(outcome.standardOutput.contains("Mine1") && !outcome.standardOutput.contains("Other"))
            let from = try await TenantryProcess.run(
                ["events", "tail", "--tenant", tenant, "--from", String(first.positions[0] + 1), "--json"], environment: env
            )
            #expect(from.lines.count == 1)
            #expect(from.standardOutput.contains("Mine2"))
        }
    }
}
