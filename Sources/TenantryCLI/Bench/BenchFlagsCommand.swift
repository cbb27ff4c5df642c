import ArgumentParser
import EventStore
import FeatureFlags
import Foundation
import Provisioning
import Tenantry

/// `tenantry bench flags`: flag evaluation in memory, over OFREP on a running server, and the
/// delay from a change to its visibility, each next to its floor measured in the same run.
struct BenchFlagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "Measure flag evaluation (in memory and over OFREP) and change propagation next to their floors.",
        discussion: """
            Rows:
              evaluate in memory: --flags flags with --rules rules, a rollout and an entitlement each, \
            overrides for every tenth of --tenants tenants, random flag and tenant per call, one \
            thread; vs finding the flag and the tenant's override in dictionaries (the least any \
            flag system does).
              OFREP single / bulk: POST /ofrep/v1/evaluate/flags[/key] on `tenantry serve` (this \
            binary, a child process) under wrk; vs GET /healthz of the same server in the same run.
              propagation: an override appended to the live catalog serving it (another connection, \
            woken by NOTIFY), one change at a time; vs a bare pg_notify round trip.
            ratio = tenantry rate ÷ reference rate (for propagation, one change at a time, the \
            inverse of the latency ratio). Needs wrk (Debian package) for the HTTP rows.
            Example:
              tenantry bench flags --flags 1000 --tenants 10000 --evaluations 2000000
            """
    )

    @Option(help: ArgumentHelp("Flags in the in-memory catalog (1–100000).", valueName: "n"))
    var flags = 1000
    @Option(help: ArgumentHelp("Tenants (1–1000000).", valueName: "n"))
    var tenants = 10_000
    @Option(help: ArgumentHelp("Rules per flag (0–50).", valueName: "n"))
    var rules = 5
    @Option(help: ArgumentHelp("In-memory evaluations to time (1000–100000000).", valueName: "n"))
    var evaluations = 2_000_000
    @Option(help: ArgumentHelp("Flag changes timed for propagation (1–10000).", valueName: "n"))
    var changes = 200
    @Option(help: ArgumentHelp("Flags the server evaluates in bulk (1–5000).", valueName: "n"))
    var httpFlags = 50
    @Option(help: ArgumentHelp("Seconds of load per HTTP row (1–600); 0 skips the HTTP rows.", valueName: "s"))
    var httpSeconds = 10
    @Option(help: ArgumentHelp("wrk connections (1–1024).", valueName: "n"))
    var connections = 16

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(flags) else { throw ValidationError("--flags must be between 1 and 100000") }
        guard (1...1_000_000).contains(tenants) else { throw ValidationError("--tenants must be between 1 and 1000000") }
        guard (0...50).contains(rules) else { throw ValidationError("--rules must be between 0 and 50") }
        guard (1000...100_000_000).contains(evaluations) else { throw ValidationError("--evaluations must be between 1000 and 100000000") }
        guard (1...10_000).contains(changes) else { throw ValidationError("--changes must be between 1 and 10000") }
        guard (1...5000).contains(httpFlags) else { throw ValidationError("--http-flags must be between 1 and 5000") }
        guard (0...600).contains(httpSeconds) else { throw ValidationError("--http-seconds must be between 0 and 600") }
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be between 1 and 1024") }
    }

    func run() async throws {
        let wrk = httpSeconds > 0 ? try Wrk.locate() : nil
        // In memory first, before the database is created and migrated, so no checkpoint or
        // autovacuum of that lands inside the timing.
        BenchProgress.note("building \(flags) flags × \(tenants) tenants…")
        let tenantAttributes = FlagWorkloads.tenants(tenants)
        let catalog = try FlagWorkloads.syntheticCatalog(flags: flags, rulesPerFlag: rules, tenants: tenantAttributes, overrideEvery: 10)
        BenchProgress.note("evaluating \(evaluations) times in memory…")
        let inMemory = FlagWorkloads.measureEvaluation(catalog: catalog, tenants: tenantAttributes, count: evaluations)
        let nanoseconds = 1e9 / max(inMemory.evaluator.eventsPerSecond, 1)

        let report = try await BenchDatabase.withFresh(on: connection.target) { database, workDirectory in
            try await BenchHeader.print(
                "flags", database: database,
                options: "--flags \(flags) --tenants \(tenants) --rules \(rules) --evaluations \(evaluations) --changes \(changes) --http-flags \(httpFlags) --http-seconds \(httpSeconds) --connections \(connections)",
                references: "dictionary lookups (same process), pg_notify round trip (same server), GET /healthz (same server process, wrk \(wrk ?? "not used"))",
                json: output.json
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
                await runtime.shutdown()
            } catch {
                await runtime.shutdown()
                throw error
            }
            return report
        }
        report.print(json: output.json, notes: [
            String(format: "in memory: %.0f ns per evaluation (%d flags, %d tenants, %d rules each).", nanoseconds, flags, tenants, rules),
            "ratio = tenantry ops/s ÷ reference ops/s. Propagation latency is append start to visible in the live catalog.",
        ])
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
