import ArgumentParser

/// `tenantry customization …`: the client customizations compiled into this build.
struct CustomizationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customization",
        abstract: "The client customizations compiled into this build.",
        subcommands: [CustomizationListCommand.self]
    )
}
