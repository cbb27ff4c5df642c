import ArgumentParser
import Benchmarks

/// `tenantry bench provisioning`: how fast tenants go from signup to active, each figure next
/// to a reference measured in the same run on the same server.
struct BenchProvisioningCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provisioning",
        abstract: "Measure signup-to-active for pooled and dedicated tenants next to bare appends and a bare createdb + migrate.",
        discussion: """
            Runs in a fresh database tenantry_bench on the same server (dropped afterwards, with \
            every dedicated database it made). Rows: pooled tenants created by --clients \
            concurrent clients (vs the same number of bare append_events calls, the store's \
            floor), and dedicated tenants one at a time (vs CREATE DATABASE plus the migrations, \
            the floor of a dedicated tenant). ratio = tenantry tenants/s ÷ reference tenants/s.
            Example:
              tenantry bench provisioning --tenants 200 --clients 8 --dedicated 3
            """
    )

    @Option(help: ArgumentHelp("Pooled tenants to create (1–100000).", valueName: "n"))
    var tenants = 200

    @Option(help: ArgumentHelp("Concurrent clients creating pooled tenants (1–64).", valueName: "n"))
    var clients = 8

    @Option(help: ArgumentHelp("Dedicated tenants to create, one at a time (0–50).", valueName: "n"))
    var dedicated = 3

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1...100_000).contains(tenants) else { throw ValidationError("--tenants must be between 1 and 100000") }
        guard (1...64).contains(clients) else { throw ValidationError("--clients must be between 1 and 64") }
        guard (0...50).contains(dedicated) else { throw ValidationError("--dedicated must be between 0 and 50") }
    }

    func run() async throws {
        let benchmark = ProvisioningBenchmark(tenants: tenants, clients: clients, dedicated: dedicated)
        try await benchmark.run(on: connection.target, console: BenchConsole(json: output.json))
    }
}
