import ArgumentParser
import FeatureFlags

/// `tenantry flag archive <key>`: retire a flag.
struct FlagArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Retire a flag: it stops evaluating (FLAG_NOT_FOUND) and takes no more changes; its history stays.",
        discussion: "Refused while another flag requires it.\nExample:\n  tenantry flag archive new-billing --reason \"rolled out to everyone\""
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, change) = (try flag.flagKey, reason.change)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.archive(key, by: change)
        }
        FlagOutput.printChange(changed, "archived", json: output.json)
    }
}
