import ArgumentParser
import Benchmarks

/// `tenantry bench eventstore`: the event store's appends and reads, each next to PostgreSQL's
/// own clients doing the same work in the same run, reported as a ratio.
///
/// A benchmark, not a test: nothing here passes or fails on a number. The rates depend on the
/// machine; the ratio to a reference measured minutes apart on the same server is what says
/// how much Tenantry costs.
struct BenchEventStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventstore",
        abstract: "Measure event store appends and reads next to pgbench and psql doing the same work.",
        discussion: """
            Runs in a fresh database tenantry_bench on the same server (dropped afterwards) and \
            prints one row per workload and reference: 1 and 16 writers appending single events \
            (vs pgbench calling tenantry.append_events, and vs pgbench doing a plain INSERT), \
            --batches appends of 1,000 events (vs as many psql COPYs of 1,000 rows, each a \
            transaction), the same events as one append (vs one COPY of them all) and reading \
            the whole feed (vs psql COPY TO). The events table is first loaded with --read-events events, so appends \
            go into a table of realistic size. ratio = tenantry ev/s ÷ reference ev/s. Needs \
            pgbench and psql; with --database-url, the URL must be a superuser's. See \
            Docs/benchmarks.md.
            Examples:
              tenantry bench eventstore
              tenantry bench eventstore --duration 30 --json
            """
    )

    @Option(help: ArgumentHelp("Seconds each single-event append measurement runs (1–600).", valueName: "seconds"))
    var duration = 10

    @Option(help: ArgumentHelp("Appends of 1,000 events each in the batch workload (1–10000).", valueName: "n"))
    var batches = 50

    @Option(help: ArgumentHelp("Events loaded with COPY before the workloads; read all reads them and every appended one (1000–10000000).", valueName: "n"))
    var readEvents = 1_000_000

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...600).contains(duration) else {
            throw ValidationError("--duration must be between 1 and 600 seconds, not \(duration)")
        }
        guard (1...10_000).contains(batches) else {
            throw ValidationError("--batches must be between 1 and 10000, not \(batches)")
        }
        guard (1000...10_000_000).contains(readEvents) else {
            throw ValidationError("--read-events must be between 1000 and 10000000, not \(readEvents)")
        }
    }

    func run() async throws {
        let benchmark = EventStoreBenchmark(duration: duration, batches: batches, readEvents: readEvents)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
