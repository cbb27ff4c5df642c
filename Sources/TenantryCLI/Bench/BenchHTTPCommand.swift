import ArgumentParser
import Benchmarks

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
        let benchmark = HTTPBenchmark(seconds: seconds, connections: connections)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
