import Foundation
public import Tenantry

/// `tenantry bench http`: self-serve signups per second against a running server, next to
/// the same server's `GET /healthz` in the same run.
public struct HTTPBenchmark: Sendable {
    public var seconds: Int
    public var connections: Int

    public init(seconds: Int = 10, connections: Int = 8) {
        self.seconds = seconds
        self.connections = connections
    }

    /// Runs the benchmark on a fresh database of `target`'s server; the header and the report go
    /// to `console`.
    public func run(on target: DatabaseTarget, console: any BenchmarkConsole) async throws {
        let wrkPath = try Wrk.locate()
        let (seconds, connections) = (self.seconds, self.connections)
        var report = BenchReport()
        report.unit = "req/s"
        report = try await BenchDatabase.withFresh(on: target) { [report] database, workDirectory in
            var report = report
            try await BenchHeader.print(
                "http", database: database, options: "--seconds \(seconds) --connections \(connections)",
                references: "GET /healthz (same server process, wrk \(wrkPath))", console: console
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
        console.report(report, notes: [
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
