import ArgumentParser

/// `tenantry dev …`: the embedded development cluster.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Start, stop and inspect the embedded PostgreSQL cluster under .tenantry/.",
        discussion: """
            The cluster listens on a unix socket only (no TCP). As root, it runs as the \
            unprivileged system user postgres. TENANTRY_HOME moves it from ./.tenantry.
            """,
        subcommands: [DevUpCommand.self, DevDownCommand.self, DevStatusCommand.self, DevSeedCommand.self]
    )
}
