import ArgumentParser
import Benchmarks
import Foundation

/// `tenantry bench customizations`: a WebAssembly validator's overhead next to the same
/// validator compiled in, measured in the same run.
struct BenchCustomizationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customizations",
        abstract: "Measure a WebAssembly validator (pooled and fresh instances) next to the same compiled Swift validator.",
        discussion: """
            Rows: the corporate-email policy as a module (make wasm-examples builds it), called \
            through CustomizationHost.validate with instances pooled and reset between calls, \
            and with a fresh instance per call; each vs the compiled corporate-email validator \
            through the same host, in the same process, the three interleaved in rounds. Calls \
            alternate an accepted and a refused signup. The notes give p50/p99 per call in µs \
            and whether the pooled call meets the 100 µs goal. Needs no database.
            Example:
              tenantry bench customizations --calls 100000
            """
    )

    @Option(help: ArgumentHelp("The module (corporate-email built from Sources/CustomizationModules).", valueName: "path"))
    var module = ".build/wasm/corporate-email.wasm"
    @Option(help: ArgumentHelp("Calls per row (1000–10000000); a fresh instance gets a tenth.", valueName: "n"))
    var calls = 100_000

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (1000...10_000_000).contains(calls) else { throw ValidationError("--calls must be between 1000 and 10000000") }
    }

    func run() async throws {
        try await CustomizationsBenchmark(module: URL(fileURLWithPath: module), calls: calls).run(console: BenchConsole(json: output.json))
    }
}
