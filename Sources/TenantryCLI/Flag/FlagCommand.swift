import ArgumentParser

/// `tenantry flag …`: feature flags, their targeting and their history.
struct FlagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flag",
        abstract: "Define, target, evaluate and retire feature flags.",
        discussion: """
            Every change is an event on the flag's stream (flag-<key>) with the operator as \
            actor and --reason in its metadata: flag history shows who changed what and when.
            """,
        subcommands: [
            FlagDefineCommand.self, FlagListCommand.self, FlagShowCommand.self, FlagEvalCommand.self,
            FlagHistoryCommand.self, FlagSetCommand.self, FlagUnsetCommand.self, FlagEnableCommand.self,
            FlagDisableCommand.self, FlagRolloutCommand.self, FlagRuleCommand.self, FlagEntitleCommand.self,
            FlagRequireCommand.self, FlagVariantsCommand.self, FlagScheduleCommand.self, FlagUnscheduleCommand.self,
            FlagApplyDueCommand.self, FlagArchiveCommand.self, FlagStaleCommand.self, FlagExportCommand.self,
            FlagImportCommand.self,
        ]
    )
}
