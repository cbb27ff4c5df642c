import ArgumentParser

/// `tenantry instance …`: single-tenant instances of the same release, each with its client's
/// customization.
struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Deploy and run single-tenant instances: a dedicated database and a process of their own, with one customization.",
        subcommands: [
            InstanceDeployCommand.self, InstanceListCommand.self, InstanceStatusCommand.self,
            InstanceUpgradeCommand.self, InstanceMigrateCommand.self, InstanceStopCommand.self, InstanceDestroyCommand.self,
        ]
    )
}
