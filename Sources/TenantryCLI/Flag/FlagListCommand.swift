import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag list`: every flag at a glance.
struct FlagListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the flags by key: type, on or off, default, targeting and when each last changed.",
        discussion: "Example:\n  tenantry flag list --json"
    )

    @ArgumentParser.Flag(help: "Include archived flags.")
    var archived = false
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (catalog, slugs) = try await connection.withRuntime { runtime in
            (try await runtime.flags.catalog(), output.json ? try await runtime.flagAdministration.slugs() : [:])
        }
        let flags = catalog.flags.values.filter { archived || !$0.isArchived }.sorted { $0.key < $1.key }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(flags.map { .object(FlagOutput.json($0, slugs: slugs)) })))
            return
        }
        guard !flags.isEmpty else {
            StandardOutput.line("no flags")
            return
        }
        var table = TextTable("KEY", "TYPE", "ENABLED", "DEFAULT", "RULES", "ROLLOUT", "OVERRIDES", "CHANGED")
        for flag in flags {
            table.append([
                flag.key.rawValue + (flag.isArchived ? " (archived)" : ""), flag.type.rawValue, flag.isEnabled ? "yes" : "no",
                FlagOutput.defaultName(flag.defaultVariant), String(flag.rules.count), FlagOutput.rolloutPercent(flag), String(flag.overrides.count),
                FlagOutput.timestamp(flag.updatedAt),
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
