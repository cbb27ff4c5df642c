import ArgumentParser
import FeatureFlags

/// `tenantry flag rule remove <key> <name>`.
struct FlagRuleRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a targeting rule by name.",
        discussion: "Example:\n  tenantry flag rule remove new-billing r1"
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("The rule's name (see flag rule list).", valueName: "name"))
    var name: String
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, change, name) = (try flag.flagKey, reason.change, self.name)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.removeRule(key, named: name, by: change)
        }
        FlagOutput.printChange(changed, "rule \(name) removed; \(changed.rules.count) rule(s) left", json: output.json)
    }
}
