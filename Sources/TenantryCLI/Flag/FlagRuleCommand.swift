import ArgumentParser

/// `tenantry flag rule …`: a flag's targeting rules, tried in order; the first match wins.
struct FlagRuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Add, remove and list a flag's targeting rules.",
        subcommands: [FlagRuleAddCommand.self, FlagRuleRemoveCommand.self, FlagRuleListCommand.self]
    )
}
