import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag history <key>`: who changed what, when and why.
struct FlagHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show a flag's events: when, what, who, why, and what changed (archived flags too).",
        discussion: "Example:\n  tenantry flag history new-billing\n  tenantry flag history new-billing --json    # one event per line"
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let key = try flag.flagKey
        let (events, slugs) = try await connection.withRuntime { runtime in
            let events = try await runtime.flags.history(key)
            guard !events.isEmpty else { throw FlagError.notFound(key.rawValue) }
            return (events, output.json ? [:] : try await runtime.flagAdministration.slugs())
        }
        if output.json {
            events.forEach { StandardOutput.line($0.jsonLine) }
            return
        }
        var summary = FlagChangeSummary(slugs: slugs)
        var table = TextTable("VERSION", "RECORDED", "EVENT", "ACTOR", "REASON", "CHANGE")
        for event in events {
            let metadata = event.metadata
            table.append([
                String(event.version), FlagOutput.timestamp(event.recordedAt), event.type,
                metadata.actor ?? "-", metadata.reason ?? "-", summary.summarize(event),
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
