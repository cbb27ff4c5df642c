import ArgumentParser
import Benchmarks

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
              propagation: an override appended to the live catalog serving it (woken by the \
            feed-tip watcher), one change at a time; vs a bare pg_notify round trip.
            A note gives the resident size of a `tenantry serve` whose catalog holds --flags more \
            flags like the in-memory ones (their overrides over --tenants tenant ids), next to the \
            same server before they were defined (--skip-memory leaves it out).
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

    @Flag(help: "Leave out the server's resident size with the large catalog (defining it appends a million events).")
    var skipMemory = false

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
        let benchmark = FlagsBenchmark(
            flags: flags, tenants: tenants, rules: rules, evaluations: evaluations, changes: changes, httpFlags: httpFlags, httpSeconds: httpSeconds, connections: connections,
            measuresMemory: !skipMemory)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
