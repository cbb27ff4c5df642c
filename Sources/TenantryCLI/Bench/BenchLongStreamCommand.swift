import ArgumentParser
import Benchmarks

/// `tenantry bench long-stream`: operator commands on a tenant whose registry stream holds a
/// million events (what a tenant can grow by itself, e.g. issuing and revoking keys), each next
/// to the same command on a tenant with a ten-event stream, measured in the same run.
struct BenchLongStreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "long-stream",
        abstract: "Time suspend, resume, load, an unrelated tenant create and offboard beside a tenant with a huge stream.",
        discussion: """
            Runs in a fresh database tenantry_bench on the same server (dropped afterwards). \
            A pooled tenant's tenant-<id> stream is padded with --events TenantAttributesChanged \
            events (inserted in batches as the superuser, as if the tenant had made them), \
            then folded once and the registry caught up (both reported, untimed in the rows). \
            Rows: each command on the long tenant vs the same command on a tenant with a \
            ten-event stream; an unrelated tenant create after the padding vs before it. \
            ratio = long ops/s ÷ reference ops/s (1× means the stream's length costs nothing).
            Example:
              tenantry bench long-stream --events 1000000 --repeat 10
            """
    )

    @Option(help: ArgumentHelp("Events to pad the long tenant's stream with (1000–10000000).", valueName: "n"))
    var events = 1_000_000

    @Option(help: ArgumentHelp("Times each repeatable command is timed (1–100).", valueName: "n"))
    var `repeat` = 10

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1000...10_000_000).contains(events) else { throw ValidationError("--events must be between 1000 and 10000000") }
        guard (1...100).contains(`repeat`) else { throw ValidationError("--repeat must be between 1 and 100") }
    }

    func run() async throws {
        let benchmark = LongStreamBenchmark(events: events, repeat: `repeat`)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
