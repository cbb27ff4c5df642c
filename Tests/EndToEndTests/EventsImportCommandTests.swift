import Foundation
import TestSupport
import Testing

/// `tenantry events import`, run as a separate process against a test database.
@Suite("tenantry events import, end to end")
struct EventsImportCommandTests {
    func environment(_ database: TestDatabase) -> [String: String] {
        ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
    }

    /// A line as `events read --json` prints it.
    func line(tenant: String, stream: String, n: Int) -> String {
        #"{"position":\#(n),"tenantId":"\#(tenant)","stream":"\#(stream)","version":\#(n),"id":"\#(UUID().uuidString.lowercased())","type":"Priced","data":{"n":\#(n),"price":1.10,"note":"tab\tand \\ back"},"metadata":{"actor":"import"},"recordedAt":"2026-12-06T05:00:00.000000Z"}"#
    }

    func write(_ lines: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url
    }

    @Test("imports a file stream by stream; running it again writes nothing and says so; numbers keep their digits")
    func importTwice() async throws {
        try await withTestDatabase { database async throws in
            let env = environment(database)
            let tenant = UUID().uuidString.lowercased()
            // Two streams interleaved; the first is longer than a batch of 50.
            var lines: [String] = []
            for n in 1...120 {
                lines.append(line(tenant: tenant, stream: "import-1", n: n))
                if n % 20 == 0 { lines.append(line(tenant: tenant, stream: "import-2", n: n / 20)) }
            }
            let file = try write(lines)
            defer { try? FileManager.default.removeItem(at: file) }

            let first = try await TenantryProcess.run(["events", "import", file.path, "--batch-size", "50"], environment: env)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("imported 126 events to 2 streams; skipped 0"), "\(first.standardOutput)")

            let again = try await TenantryProcess.run(["events", "import", file.path, "--batch-size", "50", "--json"], environment: env)
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.standardOutput.contains(#""imported":0"#) && again.standardOutput.contains(#""skipped":126"#), "\(again.standardOutput)")

            let read = try await TenantryProcess.run(["events", "read", "import-1", "--tenant", tenant, "--json"], environment: env)
            #expect(read.status == 0)
            #expect(read.lines.count == 120)
            #expect(read.lines.first?.contains(#""price": 1.10"#) == true, "\(read.lines.first ?? "")")
            #expect(read.lines.first?.contains(#""note": "tab\tand \\ back""#) == true, "\(read.lines.first ?? "")")

            // What `events read --json` printed imports back as already there.
            let exported = try write(read.lines)
            defer { try? FileManager.default.removeItem(at: exported) }
            let roundTrip = try await TenantryProcess.run(["events", "import", exported.path, "--batch-size", "50"], environment: env)
            #expect(roundTrip.status == 0, "\(roundTrip.standardError)")
            #expect(roundTrip.standardOutput.contains("nothing new"), "\(roundTrip.standardOutput)")
        }
    }

    @Test("a bad line exits 65 naming its line number, and nothing is written")
    func badLine() async throws {
        try await withTestDatabase { database async throws in
            let env = environment(database)
            let tenant = UUID().uuidString.lowercased()
            let good = line(tenant: tenant, stream: "import-3", n: 1)
            for (bad, says) in [
                ("{not json", "is not a JSON object"),
                (good.replacingOccurrences(of: #""data":{"#, with: #""data":"text","unused":{"#), "\"data\" must be a JSON object"),
                (good.replacingOccurrences(of: #""stream":"import-3""#, with: #""stream":"nodash""#), "\"stream\""),
            ] {
                let file = try write([good, line(tenant: tenant, stream: "import-3", n: 2), bad, line(tenant: tenant, stream: "import-3", n: 4)])
                defer { try? FileManager.default.removeItem(at: file) }
                let result = try await TenantryProcess.run(["events", "import", file.path], environment: env)
                #expect(result.status == 65)
                #expect(result.standardError.contains(":3: \(says)"), "\(result.standardError)")
                #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
            }
            let read = try await TenantryProcess.run(["events", "read", "import-3", "--tenant", tenant, "--json"], environment: env)
            #expect(read.status == 0)
            #expect(read.lines.isEmpty)
        }
    }
}
