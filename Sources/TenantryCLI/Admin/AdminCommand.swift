import ArgumentParser

/// `tenantry admin …`: access to the admin API.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Manage access to the admin API (/v1/admin).",
        subcommands: [AdminTokenCommand.self]
    )
}
