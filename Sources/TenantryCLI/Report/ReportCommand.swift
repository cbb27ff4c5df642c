import ArgumentParser

/// `tenantry report …`: product analytics computed from the event store.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Product analytics from the events.",
        subcommands: [ReportFunnelCommand.self]
    )
}
