import ArgumentParser
import FeatureFlags

/// `tenantry flag enable <key>`.
struct FlagEnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Switch the flag on: evaluations follow its targeting again.",
        discussion: "Example:\n  tenantry flag enable new-billing --reason \"incident over\""
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, change) = (try flag.flagKey, reason.change)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.setEnabled(key, true, by: change)
        }
        FlagOutput.printChange(changed, "enabled", json: output.json)
    }
}
