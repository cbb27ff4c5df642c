import ArgumentParser
import Foundation
import Instances

/// `tenantry instance upgrade <tenant> [--customization ID[@VERSION]]`.
struct InstanceUpgradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Upgrade an instance to this release, or to another customization; roll back if it does not become ready.",
        discussion: """
            Without --customization: applies this release's migrations to the tenant's dedicated \
            database, stops the running process, starts this release's binary (kept as \
            bin/tenantry-<release> beside the deployment files) and waits for /readyz. When the new \
            release does not become ready, the previous release's binary is started again, \
            InstanceUpgradeRolledBack is recorded and the command fails. --binary upgrades to a \
            release staged elsewhere (its release is what `<binary> --version` prints).

            With --customization ID[@VERSION]: switches the instance to that customization (ID \
            alone: compiled into this release, else the highest version of the installed module), \
            on the release it runs. The settings it runs with are the current ones (from \
            instance.env), less --unset, overridden by --setting; a setting the new one lacks or \
            does not take stops the command before anything is stopped or recorded, named. Then it \
            records InstanceCustomizationChanged, renders instance.env and the Kubernetes overlay \
            again, restarts a local instance and waits for /readyz; when that fails the previous \
            files are put back, InstanceCustomizationRolledBack is recorded, the previous \
            customization is started again and the command fails.

            Examples:
              tenantry instance upgrade acme-corp
              tenantry instance upgrade acme-corp --customization acme-rules@2.0.0 --setting region=eu --unset legacy-mode
            """
    )

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @Option(help: ArgumentHelp("The release binary to upgrade to (default: this one).", valueName: "path"))
    var binary: String?

    @Option(help: ArgumentHelp(
        "Switch to this customization instead of upgrading the release: compiled in, else the highest installed module version; ID@VERSION for an exact one.",
        valueName: "id[@version]"))
    var customization: String?

    @Option(name: .customLong("setting"), help: ArgumentHelp(
        "With --customization: a setting of the new customization, name=value, over the current one (repeatable).", valueName: "name=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("With --customization: a current setting not to carry over (repeatable).", valueName: "name"))
    var unset: [String] = []

    @Option(help: ArgumentHelp("The release's Deploy folder with the templates (default: ./Deploy).", valueName: "dir"))
    var deployRoot = "Deploy"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        let settings = try SettingArguments.parse(settings)
        guard customization != nil else {
            guard settings.isEmpty, unset.isEmpty else { throw ValidationError("--setting and --unset go with --customization") }
            return
        }
        guard binary == nil else {
            throw ValidationError("--binary upgrades the release, --customization the customization: one at a time")
        }
        if let both = unset.first(where: { settings[$0] != nil }) {
            throw ValidationError("--setting \(both) and --unset \(both): give one")
        }
    }

    func run() async throws {
        if let customization {
            let settings = try SettingArguments.parse(settings)
            _ = try await connection.withInstances { instances in
                try await instances.changeCustomization(
                    .init(tenant: tenant, customization: customization, settings: settings, unset: Set(unset),
                          deployRoot: URL(fileURLWithPath: deployRoot), binary: ReleaseBinary.current.url, actor: Operator.actor)
                ) { StandardOutput.line($0) }
            }
            return
        }
        let target = if let binary { try await ReleaseBinary.staged(at: binary) } else { ReleaseBinary.current }
        _ = try await connection.withInstances { instances in
            try await instances.upgrade(
                tenant, to: target.release, binary: target.url, deployRoot: URL(fileURLWithPath: deployRoot), actor: Operator.actor
            ) { StandardOutput.line($0) }
        }
    }
}
