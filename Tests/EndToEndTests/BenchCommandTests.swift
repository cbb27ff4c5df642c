import Foundation
import TestSupport
import Testing

/// `tenantry bench flags` at a small size: the benchmark runs, reports every row next to its
/// reference, and says what it ran on. (The figures themselves are `make bench`'s.)
@Suite("tenantry bench flags, end to end")
struct BenchCommandTests {
    @Test("a small bench flags run reports the in-memory and propagation rows with ratios, and the machine on stderr")
    func smallRun() async throws {
        try await withTestDatabase { database async throws in
            let outcome = try await TenantryProcess.run(
                ["bench", "flags", "--flags", "20", "--tenants", "200", "--evaluations", "2000", "--changes", "5", "--http-seconds", "0", "--json"],
                environment: ["TENANTRY_DATABASE_URL": database.administratorConnectionString]
            )
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]], "\(outcome.standardOutput)"
            )
            #expect(rows.map { $0["workload"] as? String } == ["evaluate in memory", "propagation (append → visible)"])
            #expect(rows.map { $0["reference"] as? String } == ["dictionary lookups", "pg_notify round trip"])
            for row in rows {
                #expect(((row["ratio"] as? Double) ?? 0) > 0, "\(row)")
                #expect(((row["tenantryEventsPerSecond"] as? Double) ?? 0) > 0, "\(row)")
            }
            #expect(rows.last?["tenantryP99Ms"] is Double)
            // With --json the header goes to stderr: the machine and the options measured with.
            #expect(outcome.standardError.contains("machine:     "))
            #expect(outcome.standardError.contains("options:     --flags 20 --tenants 200"))
        }
    }

    @Test("bench flags refuses options out of range in one line, before touching a database")
    func badOptions() async throws {
        let outcome = try await TenantryProcess.run(["bench", "flags", "--rules", "99"], environment: ["TENANTRY_DATABASE_URL": "host=/nonexistent dbname=x"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.contains("--rules must be between 0 and 50"))
    }
}
