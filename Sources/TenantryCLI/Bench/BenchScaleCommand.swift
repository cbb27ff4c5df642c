import ArgumentParser
import Benchmarks

/// `tenantry bench scale`: how appends, replay and one tenant's stream read change as the store
/// grows, each next to the same workload on a small store in the same run.
struct BenchScaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Time appends, replay and a stream read on stores of growing size, against the same on a small store.",
        discussion: """
            Runs in a fresh database tenantry_bench on the same server (dropped afterwards). \
            The store is filled (as the superuser, untimed) to 100,000 events, then to each of \
            --sizes, with events spread evenly over --tenants tenants in streams of 100; at \
            each size one writer appends for --duration seconds, the feed's first 100,000 \
            events are replayed and one tenant's 1,000 events are read. ratio = rate at the \
            size ÷ rate at 100,000 events (1× means the size costs nothing).
            Example:
              tenantry bench scale --sizes 1000000,10000000 --tenants 10000
            """
    )

    @Option(help: ArgumentHelp("Store sizes to measure at, comma-separated (200000–50000000 each).", valueName: "n,n"))
    var sizes = "1000000,10000000"

    @Option(help: ArgumentHelp("Tenants the events are spread over (2–1000000).", valueName: "n"))
    var tenants = 10_000

    @Option(help: ArgumentHelp("Seconds of appends at each size (1–60).", valueName: "s"))
    var duration = 5

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let parsed = parsedSizes, !parsed.isEmpty, parsed.allSatisfy({ (200_000...50_000_000).contains($0) }) else {
            throw ValidationError("--sizes must be comma-separated numbers between 200000 and 50000000")
        }
        guard (2...1_000_000).contains(tenants) else { throw ValidationError("--tenants must be between 2 and 1000000") }
        guard (1...60).contains(duration) else { throw ValidationError("--duration must be between 1 and 60") }
    }

    private var parsedSizes: [Int]? {
        let values = sizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return values.contains(nil) ? nil : values.compactMap { $0 }
    }

    func run() async throws {
        let benchmark = ScaleBenchmark(sizes: parsedSizes ?? [], tenants: tenants, duration: duration)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
