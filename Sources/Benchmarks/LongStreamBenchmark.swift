import EventStore
import Foundation
import PostgresClient
import Provisioning
public import Tenantry

/// `tenantry bench long-stream`: operator commands on a tenant whose registry stream holds a
/// million events (what a tenant can grow by itself, e.g. issuing and revoking keys), each next
/// to the same command on a tenant with a ten-event stream, measured in the same run.
public struct LongStreamBenchmark: Sendable {
    public var events: Int
    public var `repeat`: Int

    public init(events: Int = 1_000_000, repeat: Int = 10) {
        self.events = events
        self.`repeat` = `repeat`
    }

    /// Events inserted per transaction while padding.
    static let paddingBatch = 100_000

    /// Runs the benchmark on a fresh database of `target`'s server; the header and the report go
    /// to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        let (events, repetitions) = (self.events, self.repeat)
        var notes: [String] = []
        let report = try await BenchDatabase.withFresh(on: target) { database, workDirectory in
            try await BenchHeader.print(
                "long-stream", database: database, options: "--events \(events) --repeat \(repetitions)",
                references: "the same commands on a tenant with a 10-event stream; tenant create before the padding (same server)",
                console: console
            )
            var report = BenchReport()
            report.unit = "ops/s"
            let runtime = try await TenantryRuntime.start(target: .external(url: database.administratorURL))
            do {
                report = try await measure(runtime, database: database, workDirectory: workDirectory, notes: &notes)
                await runtime.shutdown()
            } catch {
                await runtime.shutdown()
                throw error
            }
            return report
        }
        console.report(
            report,
            notes: notes + [
                "ratio = long-stream ops/s ÷ reference ops/s. Latency is per command, including the registry catch-up each command does.",
                "offboard writes the whole export (every event of the stream, streamed to the file); its row is the export plus the command.",
            ]
        )
    }

    private func measure(
        _ runtime: TenantryRuntime, database: BenchDatabase, workDirectory: URL, notes: inout [String]
    ) async throws -> BenchReport {
        let administration = runtime.tenants
        var report = BenchReport()
        report.unit = "ops/s"
        BenchProgress.note("creating the tenants…")
        let long = try await Self.create(administration, name: "Long Stream")
        let short = try await Self.create(administration, name: "Short Stream")
        let createBefore = try await BenchConcurrency.sequentially(count: `repeat`) { index in
            _ = try await Self.create(administration, name: "Before \(index)")
        }
        let shortCycle = try await BenchConcurrency.sequentially(count: `repeat`) { _ in
            try await Self.suspendAndResume(administration, short)
        }
        let shortLoad = try await BenchConcurrency.sequentially(count: `repeat`) { _ in
            _ = try await administration.lifecycle.loadTenant(short)
        }

        BenchProgress.note("padding the long tenant's stream with \(events) events…")
        let clock = ContinuousClock()
        var began = clock.now
        try await pad(long, with: events, database: database)
        notes.append("padding: \(events) events inserted in \(Self.seconds(began.duration(to: clock.now))) (set-up, not timed below)")

        BenchProgress.note("folding the long stream once (the first load after the padding)…")
        began = clock.now
        let first = try await administration.lifecycle.loadTenant(long)
        notes.append(
            "first load after the padding: \(first.eventsRead) events folded in \(Self.seconds(began.duration(to: clock.now))), snapshot written: \(first.wroteSnapshot)"
        )
        BenchProgress.note("catching the registry up over the new events…")
        began = clock.now
        try await administration.registry.catchUpWithCommittedWrites()
        notes.append("registry catch-up over the \(events) new events: \(Self.seconds(began.duration(to: clock.now)))")

        BenchProgress.note("timing commands on the long tenant…")
        let longCycle = try await BenchConcurrency.sequentially(count: `repeat`) { _ in
            try await Self.suspendAndResume(administration, long)
        }
        let longLoad = try await BenchConcurrency.sequentially(count: `repeat`) { _ in
            _ = try await administration.lifecycle.loadTenant(long)
        }
        let createAfter = try await BenchConcurrency.sequentially(count: `repeat`) { index in
            _ = try await Self.create(administration, name: "After \(index)")
        }
        let exports = workDirectory.appendingPathComponent("exports")
        let shortOffboard = try await BenchConcurrency.sequentially(count: 1) { _ in
            _ = try await administration.offboard(
                short, exportTo: exports.appendingPathComponent("short.jsonl").path, actor: "bench", reason: "bench offboarding"
            )
        }
        var exported = 0
        let longOffboard = try await BenchConcurrency.sequentially(count: 1) { _ in
            exported = try await administration.offboard(
                long, exportTo: exports.appendingPathComponent("long.jsonl").path, actor: "bench", reason: "bench offboarding"
            ).1
        }
        if let milliseconds = longOffboard.latency?.p50, milliseconds > 0 {
            notes.append(String(
                format: "offboarding the long tenant exported %d events in %.2f s (%.0f events/s, streamed page by page); its command part is a load from the snapshot and one append, as in the suspend row",
                exported, milliseconds / 1000, Double(exported) / (milliseconds / 1000)
            ))
        }
        report.append("suspend + resume, \(events)-event stream", longCycle, against: "same, 10-event stream", shortCycle)
        report.append("load (snapshot + newer events)", longLoad, against: "load, 10-event stream", shortLoad)
        report.append("tenant create beside it", createAfter, against: "tenant create before padding", createBefore)
        report.append("offboard (export + command)", longOffboard, against: "offboard, 10-event stream", shortOffboard)
        return report
    }

    /// Inserts `count` TenantAttributesChanged events after the stream's current version, in
    /// transactions of `paddingBatch`, as the superuser (a set-up step, not an append under
    /// test): the stream's version moves with them, so commands see a consistent stream.
    private func pad(_ tenant: UUID, with count: Int, database: BenchDatabase) async throws {
        let stream = "tenant-" + tenant.uuidString.lowercased()
        let controlPlane = EventLog.controlPlaneTenantID
        var configuration = database.administratorConfiguration
        // A batch of 100,000 rows and the VACUUM after them take longer than a statement of the
        // application may.
        configuration.queryTimeout = .seconds(600)
        try await PostgresConnection.withConnection(configuration) { connection in
            var inserted = 0
            while inserted < count {
                let batch = min(Self.paddingBatch, count - inserted)
                try await connection.transaction { connection in
                    let current = try connection.query(BenchStatements.lockStream(stream, tenant: controlPlane)).rows.first?.decode(Int64.self) ?? 0
                    try connection.query(BenchStatements.padStream(stream, tenant: controlPlane, after: current, count: Int64(batch)))
                    try connection.query(BenchStatements.advanceStream(stream, tenant: controlPlane, to: current + Int64(batch)))
                }
                inserted += batch
                BenchProgress.note("  \(inserted) of \(count)")
            }
            try await connection.query(BenchStatements.vacuumEventStore)
        }
    }

    private static func create(_ administration: TenantAdministration, name: String) async throws -> UUID {
        let request = SignupRequest(
            email: "owner@\(UUID().uuidString.prefix(8).lowercased()).bench.example", organization: "\(name) \(UUID().uuidString.prefix(6))"
        )
        let id = try await administration.create(request, actor: "bench").tenant.id
        // A signup no longer waits for the registry (Decision 26); the fold is timed with it
        // here, since what the create rows ask is whether a long stream slows the registry.
        try await administration.registry.catchUpWithCommittedWrites()
        return id
    }

    private static func suspendAndResume(_ administration: TenantAdministration, _ tenant: UUID) async throws {
        let id = tenant.uuidString.lowercased()
        _ = try await administration.suspend(id, reason: "bench suspension", actor: "bench")
        _ = try await administration.resume(id, reason: "bench resumption", actor: "bench")
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f s", BenchMeasurement.seconds(duration))
    }
}
