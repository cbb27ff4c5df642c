import EventStore
import FeatureFlags
import Foundation
import Provisioning
public import Tenantry

/// `tenantry bench flags`: flag evaluation in memory, over OFREP on a running server, and the
/// delay from a change to its visibility, each next to its floor measured in the same run.
public struct FlagsBenchmark: Sendable {
    public var flags: Int
    public var tenants: Int
    public var rules: Int
    public var evaluations: Int
    public var changes: Int
    public var httpFlags: Int
    public var httpSeconds: Int
    public var connections: Int
    /// Whether to report the server's resident size with `flags` more flags (see `measureMemory`).
    public var measuresMemory: Bool

    public init(
        flags: Int = 1000, tenants: Int = 10_000, rules: Int = 5, evaluations: Int = 2_000_000, changes: Int = 200, httpFlags: Int = 50,
        httpSeconds: Int = 10, connections: Int = 16, measuresMemory: Bool = true
    ) {
        self.flags = flags
        self.tenants = tenants
        self.rules = rules
        self.evaluations = evaluations
        self.changes = changes
        self.httpFlags = httpFlags
        self.httpSeconds = httpSeconds
        self.connections = connections
        self.measuresMemory = measuresMemory
    }

    /// Runs the benchmark on a fresh database of `target`'s server; the header and the report go
    /// to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        let wrk = httpSeconds > 0 ? try Wrk.locate() : nil
        // In memory first, before the database is created and migrated, so no checkpoint or
        // autovacuum of that lands inside the timing.
        BenchProgress.note("building \(flags) flags × \(tenants) tenants…")
        let tenantAttributes = FlagWorkloads.tenants(tenants)
        let catalog = try FlagWorkloads.syntheticCatalog(flags: flags, rulesPerFlag: rules, tenants: tenantAttributes, overrideEvery: 10)
        BenchProgress.note("evaluating \(evaluations) times in memory…")
        let inMemory = FlagWorkloads.measureEvaluation(catalog: catalog, tenants: tenantAttributes, count: evaluations)
        let nanoseconds = 1e9 / max(inMemory.evaluator.eventsPerSecond, 1)

        var memory: String?
        let report = try await BenchDatabase.withFresh(on: target) { database, workDirectory in
            try await BenchHeader.print(
                "flags", database: database,
                options: "--flags \(flags) --tenants \(tenants) --rules \(rules) --evaluations \(evaluations) --changes \(changes) --http-flags \(httpFlags) --http-seconds \(httpSeconds) --connections \(connections)",
                references: "dictionary lookups (same process), pg_notify round trip (same server), GET /healthz (same server process, wrk \(wrk ?? "not used"))",
                console: console
            )
            var report = BenchReport()
            report.unit = "ops/s"
            report.append("evaluate in memory", inMemory.evaluator, against: "dictionary lookups", inMemory.lookups)

            let runtime = try await TenantryRuntime.start(target: .external(url: database.administratorURL))
            do {
                try await measurePropagation(runtime, database: database, into: &report)
                if let wrk {
                    try await measureHTTP(runtime, database: database, wrk: Wrk(executable: wrk, workDirectory: workDirectory), into: &report)
                }
                memory = try await measureMemory(runtime, database: database, workDirectory: workDirectory)
                await runtime.shutdown()
            } catch {
                await runtime.shutdown()
                throw error
            }
            return report
        }
        console.report(report, notes: [
            String(format: "in memory: %.0f ns per evaluation (%d flags, %d tenants, %d rules each).", nanoseconds, flags, tenants, rules),
            "ratio = tenantry ops/s ÷ reference ops/s. Propagation latency is append start to visible in the live catalog.",
        ] + (memory.map { [$0] } ?? []))
    }

    private func measurePropagation(_ runtime: TenantryRuntime, database: BenchDatabase, into report: inout BenchReport) async throws {
        BenchProgress.note("timing \(changes) flag changes until visible…")
        let live = FlagCatalog.live(store: runtime.operatorEventStore)
        let following = Task { try await live.run() }
        defer { following.cancel() }
        let propagation = try await FlagWorkloads.measurePropagation(flags: runtime.flags, live: live, changes: changes)
        let notify = try await FlagWorkloads.measureNotifyRoundTrip(configuration: database.administratorConfiguration, count: changes)
        report.append("propagation (append → visible)", propagation, against: "pg_notify round trip", notify)
    }

    /// The resident size of a `tenantry serve` whose catalog holds `flags` flags like the
    /// in-memory ones, with an override for every tenth of `tenants` tenants on each, next to a
    /// server started on the same database before they were defined. The flags are imported
    /// through `FlagService`, so the server folds their events from the feed as it would in
    /// production. The overrides name tenant ids; the tenants' own records
    /// are not created (signing up 10,000 tenants would take minutes here).
    private func measureMemory(_ runtime: TenantryRuntime, database: BenchDatabase, workDirectory: URL) async throws -> String? {
        guard measuresMemory else { return nil }
        let before = try await ServerProcess.start(databaseURL: database.administratorURL, workDirectory: workDirectory)
        let baseline = before.residentBytes()
        await before.stop()
        BenchProgress.note("defining \(flags) flags with overrides for every tenth of \(tenants) tenants…")
        let catalog = try FlagWorkloads.syntheticCatalog(
            flags: flags, rulesPerFlag: rules, tenants: FlagWorkloads.tenants(tenants), overrideEvery: 10, keyPrefix: "memory-flag-"
        )
        let change = FlagService.Change(actor: "bench", reason: "bench flags memory")
        let defined = catalog.activeFlags
        // Imported a hundred at a time: each import checks against the catalog once and appends
        // its flags in one transaction (defining them one by one reads the catalog each time).
        for start in stride(from: 0, to: defined.count, by: 100) {
            _ = try await runtime.flags.importFlags(Array(defined[start..<min(start + 100, defined.count)]), by: change)
        }
        let overrides = defined.reduce(0) { $0 + $1.overrides.count }
        let ruleCount = defined.reduce(0) { $0 + $1.rules.count }
        BenchProgress.note("starting tenantry serve on that catalog…")
        let after = try await ServerProcess.start(databaseURL: database.administratorURL, workDirectory: workDirectory, timeout: .seconds(300))
        let loaded = after.residentBytes()
        await after.stop()
        func megabytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MB", Double($0) / 1_048_576) } ?? "unknown" }
        return "server resident size: \(megabytes(loaded)) with \(flags) more flags (\(ruleCount) rules, \(overrides) overrides over \(tenants) tenant ids); \(megabytes(baseline)) before they were defined."
    }

    private func measureHTTP(_ runtime: TenantryRuntime, database: BenchDatabase, wrk: Wrk, into report: inout BenchReport) async throws {
        BenchProgress.note("defining \(httpFlags) flags and a tenant for the server…")
        let change = FlagService.Change(actor: "bench", reason: "bench flags")
        let outcome = try await runtime.tenants.create(
            SignupRequest(email: "bench@ofrep.example", organization: "OFREP Bench \(UUID().uuidString.prefix(6))"), actor: "bench"
        )
        guard let apiKey = outcome.apiKey?.secret else { throw BenchError("the bench tenant got no API key") }
        // The bench tenant first among ten, so every tenth flag overrides it, as in memory.
        let serverTenants = [TenantAttributes(outcome.tenant)] + FlagWorkloads.tenants(9)
        let serverCatalog = try FlagWorkloads.syntheticCatalog(flags: httpFlags, rulesPerFlag: rules, tenants: serverTenants, overrideEvery: 10)
        for flag in serverCatalog.activeFlags { try await runtime.flags.define(flag, by: change) }

        BenchProgress.note("starting tenantry serve…")
        let server = try await ServerProcess.start(databaseURL: database.administratorURL, workDirectory: wrk.workDirectory)
        do {
            let headers = ["Authorization": "Bearer \(apiKey)", "Content-Type": "application/json"]
            let body = #"{"context":{"targetingKey":"user-42","country":"DE","email":"user42@customer.example","appVersion":"2.1.0","seats":12}}"#
            // The server's live views catch up before it binds, so once it listens it serves the
            // flags and key made above; wrk refuses to report a run with any error answer.
            // Single evaluations ask for a random one of the flags each time (wrk's Lua random is
            // unseeded, so every run asks in the same order).
            let randomFlag = Wrk.script(body: body, headers: headers) + """
                request = function()
                  return wrk.format(nil, "/ofrep/v1/evaluate/flags/bench-flag-" .. math.random(0, \(httpFlags - 1)))
                end

                """
            let duration = Duration.seconds(httpSeconds)
            func measure(_ name: String, _ url: String, script: String) async throws -> BenchMeasurement {
                BenchProgress.note("wrk: \(name) for \(httpSeconds) s…")
                let run = try await wrk.run(url: url, script: script, connections: connections, threads: 1, duration: duration)
                return BenchMeasurement(events: run.requests, eventsPerSecond: run.requestsPerSecond, latency: run.latency)
            }
            let health = try await measure("GET /healthz", "\(server.baseURL)/healthz", script: Wrk.script(body: nil, headers: [:]))
            let singleRun = try await measure("OFREP single", "\(server.baseURL)/ofrep/v1/evaluate/flags/bench-flag-0", script: randomFlag)
            let bulkRun = try await measure(
                "OFREP bulk (\(httpFlags) flags)", "\(server.baseURL)/ofrep/v1/evaluate/flags", script: Wrk.script(body: body, headers: headers)
            )
            report.append("OFREP single evaluation", singleRun, against: "GET /healthz", health)
            report.append("OFREP bulk, \(httpFlags) flags", bulkRun, against: "GET /healthz", health)
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }
}
