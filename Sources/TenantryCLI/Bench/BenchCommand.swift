import ArgumentParser

/// `tenantry bench …`: measurements next to a reference taken in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks, each next to a reference measured in the same run (reported as a ratio).",
        subcommands: [BenchEventStoreCommand.self, BenchProvisioningCommand.self, BenchFlagsCommand.self, BenchHTTPCommand.self, BenchLongStreamCommand.self, BenchScaleCommand.self, BenchCellsCommand.self, BenchCustomizationsCommand.self]
    )
}
