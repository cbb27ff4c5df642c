import ArgumentParser

/// `tenantry events …`: the event store, directly.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Append, read, tail, import and verify events in the event store.",
        subcommands: [
            EventsAppendCommand.self, EventsReadCommand.self, EventsTailCommand.self, EventsImportCommand.self,
            EventsVerifyCommand.self,
        ]
    )
}
