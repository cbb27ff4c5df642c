import Foundation
import TestSupport
import Testing

/// `tenantry bench flags` and `bench cells` at a small size: the benchmark runs, reports every
/// row next to its reference, and says what it ran on. (The figures themselves are `make
/// bench`'s.) Serialized: each run creates and drops the database tenantry_bench on the test
/// cluster.
@Suite("tenantry bench, end to end", .serialized)
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

    @Test("a small bench cells run reports signups, appends and a move with ratios and the fenced time, and removes its cell's cluster")
    func smallCellsRun() async throws {
        let home = TestCluster.packageRoot.appendingPathComponent(".tenantry/test-clusters/bench-cells-\(UUID().uuidString.prefix(8))").path
        defer { _ = try? FileManager.default.removeItem(atPath: home) }
        try await withTestDatabase { database async throws in
            let outcome = try await TenantryProcess.run(
                ["bench", "cells", "--signups", "4", "--clients", "2", "--writers", "2", "--events", "40", "--move-events", "200", "--json"],
                environment: ["TENANTRY_DATABASE_URL": database.administratorConnectionString, "TENANTRY_HOME": home]
            )
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]], "\(outcome.standardOutput)"
            )
            #expect(rows.map { $0["workload"] as? String } == [
                "pooled signup → active, 2 cells", "pooled signup → active, 1 cell", "append, 2 writers, 2 cells", "append, 2 writers, 1 cell",
                "move 200 events to bench-2", "4 writers during the 200-event move",
            ])
            for row in rows {
                #expect(((row["ratio"] as? Double) ?? 0) > 0, "\(row)")
            }
            let move = try #require((rows.first { ($0["workload"] as? String)?.hasPrefix("move") == true })?["details"] as? [String: Any])
            #expect(((move["fencedMs"] as? Double) ?? 0) > 0, "\(move)")
            #expect(((move["copiedEvents"] as? Double) ?? 0) >= 200, "\(move)")
            #expect(outcome.standardError.contains("options:     --signups 4 --clients 2 --writers 2 --events 40 --move-events 200"))
            #expect(!outcome.standardError.contains("MISMATCH"))
            // The second cell's cluster is the run's own: stopped and removed at its end.
            #expect(!FileManager.default.fileExists(atPath: home + "/cells/bench-2"))
        }
    }

    @Test("a small bench customizations run reports the pooled and fresh module rows next to the compiled validator, with µs per call")
    func smallCustomizationsRun() async throws {
        let module = TestCluster.packageRoot.appendingPathComponent(".build/wasm/corporate-email.wasm").path
        let outcome = try await TenantryProcess.run(["bench", "customizations", "--module", module, "--calls", "1000", "--json"], environment: [:])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]], "\(outcome.standardOutput)")
        #expect(rows.map { $0["workload"] as? String } == ["wasm validator, pooled instance", "wasm validator, fresh instance"])
        for row in rows {
            #expect(row["reference"] as? String == "compiled Swift validator")
            #expect(((row["ratio"] as? Double) ?? 0) > 0, "\(row)")
            #expect(row["tenantryP99Ms"] is Double, "\(row)")
        }
        #expect(outcome.standardError.contains("options:     --module \(module) --calls 1000"))
        let missing = try await TenantryProcess.run(["bench", "customizations", "--module", "/nonexistent.wasm"], environment: [:])
        #expect(missing.status != 0 && missing.standardError.contains("no module at /nonexistent.wasm"), "\(missing.standardError)")
    }

    @Test("bench flags and bench cells refuse options out of range in one line, before touching a database")
    func badOptions() async throws {
        let outcome = try await TenantryProcess.run(["bench", "flags", "--rules", "99"], environment: ["TENANTRY_DATABASE_URL": "host=/nonexistent dbname=x"])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
        #expect(outcome.standardError.contains("--rules must be between 0 and 50"))
        let cells = try await TenantryProcess.run(["bench", "cells", "--move-events", "10000,x"], environment: ["TENANTRY_DATABASE_URL": "host=/nonexistent dbname=x"])
        #expect(cells.status == 64)
        #expect(cells.standardError.split(separator: "\n").count == 1)
        #expect(cells.standardError.contains("--move-events must be comma-separated numbers between 100 and 20000000"))
    }
}
