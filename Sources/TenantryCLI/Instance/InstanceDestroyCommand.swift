import ArgumentParser
import Instances

/// `tenantry instance destroy <tenant> --export FILE`.
struct InstanceDestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Export an instance's tenant, then remove the instance: process, dedicated database and files.",
        discussion: """
            Stops the process, writes every event of the tenant to FILE (JSON Lines) and offboards \
            the tenant (which drops its dedicated database), drops the instance's database login, \
            removes the rendered files and records InstanceDestroyed. The export is written first: nothing is removed when it fails.
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @Option(help: ArgumentHelp("Where to write the export (JSON Lines); must not exist.", valueName: "file"))
    var export: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withInstances { instances in
            let destroyed = try await instances.destroy(tenant, exportTo: export, actor: Operator.actor) { StandardOutput.line($0) }
            StandardOutput.line("destroyed the instance of \(destroyed.record.deployment.slug)")
        }
    }
}
