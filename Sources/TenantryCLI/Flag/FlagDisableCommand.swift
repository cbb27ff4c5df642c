import ArgumentParser
import FeatureFlags

/// `tenantry flag disable <key>`.
struct FlagDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Switch the flag off (kill switch): every evaluation serves the default variant, reason DISABLED.",
        discussion: "Example:\n  tenantry flag disable new-billing --reason \"incident 4711\""
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, change) = (try flag.flagKey, reason.change)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.setEnabled(key, false, by: change)
        }
        FlagOutput.printChange(changed, "disabled", json: output.json)
    }
}
