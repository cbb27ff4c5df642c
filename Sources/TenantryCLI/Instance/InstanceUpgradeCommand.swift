import ArgumentParser
import Foundation
import Instances

/// `tenantry instance upgrade <tenant>`.
struct InstanceUpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Migrate an instance's database and restart it with this release; roll back if it does not become ready.",
        discussion: """
            Applies this release's migrations to the tenant's dedicated database, stops the running \
            process, starts this release's binary (kept as bin/tenantry-<release> beside the \
            deployment files) and waits for /readyz. When the new release does not become ready, \
            the previous release's binary is started again, InstanceUpgradeRolledBack is recorded \
            and the command fails. --binary upgrades to a release staged elsewhere (its release is \
            what `<binary> --version` prints).
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @Option(help: ArgumentHelp("The release binary to upgrade to (default: this one).", valueName: "path"))
    var binary: String?

    @Option(help: ArgumentHelp("The release's Deploy folder with the templates (default: ./Deploy).", valueName: "dir"))
    var deployRoot = "Deploy"

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let target = if let binary { try await ReleaseBinary.staged(at: binary) } else { ReleaseBinary.current }
        _ = try await connection.withInstances { instances in
            try await instances.upgrade(
                tenant, to: target.release, binary: target.url, deployRoot: URL(fileURLWithPath: deployRoot), actor: Operator.actor
            ) { StandardOutput.line($0) }
        }
    }
}
