import ArgumentParser
import Foundation
import Tenantry

/// `tenantry bench http`: self-serve signups per second against a running server, next to
/// the same server's `GET /healthz` in the same run.
struct BenchHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Measure POST /v1/signup under wrk next to GET /healthz of the same server.",
        discussion: """
            Starts `tenantry serve` (this binary) on a fresh database tenantry_bench and loads it \
            with wrk (Debian package) from another process: first GET /healthz, then POST \
            /v1/signup, every request a new organisation with its own Idempotency-Key. A signup \
            is answered 202 once it is registered; its provisioning goes on in the server (the \
            rate is of accepted signups; the run waits for every tenant to be active before it \
            reports). ratio = signups/s ÷ /healthz requests/s.
            Example:
              tenantry bench http --seconds 10 --connections 8
            """
    )

    @Option(help: ArgumentHelp("Seconds of load per row (1–600).", valueName: "s"))
    var seconds = 10
    @Option(help: ArgumentHelp("wrk connections (1–1024).", valueName: "n"))
    var connections = 8

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be between 1 and 600") }
        guard (1...1024).contains(connections) else { throw ValidationError("--connections must be between 1 and 1024") }
    }

    func run() async throws {
        let wrkPath = try Wrk.locate()
        let (seconds, connections) = (self.seconds, self.connections)
        var report = BenchReport()
        report.unit = "req/s"
        report = try await BenchDatabase.withFresh(on: connection.target) { [report] database, workDirectory in
            var report = report
            try await BenchHeader.print(
                "http", database: database, options: "--seconds \(seconds) --connections \(connections)",
                references: "GET /healthz (same server process, wrk \(wrkPath))", json: output.json
            )
            let wrk = Wrk(executable: wrkPath, workDirectory: workDirectory)
            BenchProgress.note("starting tenantry serve…")
            let server = try await ServerProcess.start(databaseURL: database.administratorURL, workDirectory: workDirectory)
            do {
                BenchProgress.note("wrk: GET /healthz for \(seconds) s…")
                let health = try await wrk.run(
                    url: "\(server.baseURL)/healthz", connections: connections, threads: 1, duration: .seconds(seconds)
                )
                BenchProgress.note("wrk: POST /v1/signup for \(seconds) s…")
                let signups = try await wrk.run(
                    url: "\(server.baseURL)/v1/signup", script: Self.signupScript,
                    connections: connections, threads: 1, duration: .seconds(seconds)
                )
                report.append(
                    "POST /v1/signup (202 accepted)",
                    BenchMeasurement(events: signups.requests, eventsPerSecond: signups.requestsPerSecond, latency: signups.latency),
                    against: "GET /healthz",
                    BenchMeasurement(events: health.requests, eventsPerSecond: health.requestsPerSecond, latency: health.latency)
                )
                BenchProgress.note("waiting for the \(signups.requests) signups to be provisioned…")
                try await Self.waitUntilProvisioned(database: database, count: signups.requests)
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
            return report
        }
        report.print(json: output.json, notes: [
            "ratio = signups/s ÷ /healthz requests/s, the same server in the same run. Latency is per request (wrk).",
        ])
    }

    /// Every request a new organisation and idempotency key (wrk's Lua `request()` hook).
    static let signupScript = """
        local counter = 0
        local run = tostring(os.time())
        request = function()
            counter = counter + 1
            local id = run .. "-" .. counter
            local body = '{"email":"load' .. id .. '@bench.example","organization":"Load ' .. id .. '"}'
            return wrk.format("POST", "/v1/signup", {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. id}, body)
        end
        """

    /// Waits until at least `count` tenants are active (the server provisions them after its 202).
    static func waitUntilProvisioned(database: BenchDatabase, count: Int) async throws {
        let runtime = try await TenantryRuntime.start(target: .external(url: database.administratorURL), maximumConnections: 2)
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            let active: Int
            do {
                active = try await runtime.tenants.list(state: "active", plan: nil).count
            } catch {
                await runtime.shutdown()
                throw error
            }
            if active >= count {
                await runtime.shutdown()
                return
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        await runtime.shutdown()
        throw BenchError("the server did not provision \(count) signups within 10 minutes")
    }
}
