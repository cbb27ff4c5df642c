import ArgumentParser
import Customizations
import Foundation
import Tenantry

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
        try await connection.withRuntime { runtime in
            let tenantID = try await runtime.tenants.resolve(tenant)
            let log = InstanceLog(store: runtime.operatorEventStore)
            guard let record = try await log.record(of: tenantID) else { throw InstanceError.notDeployed(tenant) }
            guard record.status != .destroyed else { throw InstanceError.destroyed(record.deployment.slug) }
            let exportPath = URL(fileURLWithPath: export).standardizedFileURL.path
            guard !exportPath.hasPrefix(URL(fileURLWithPath: record.deployment.directory).standardizedFileURL.path + "/") else {
                throw ValidationError("--export \(export) is inside the instance's files (\(record.deployment.directory)), which destroy removes: write it elsewhere")
            }
            if let process = record.process {
                StandardOutput.line("stopping the instance (pid \(process.processId))")
                try await LocalInstanceProcess.stop(processID: process.processId, slug: record.deployment.slug)
            }
            let (_, exported) = try await runtime.tenants.offboard(
                tenantID, exportTo: export, actor: Operator.actor, reason: "instance destroyed")
            StandardOutput.line("exported \(exported) events to \(export); the tenant is offboarded and its database dropped")
            try await InstanceAdministration(runtime: runtime, catalog: ReleaseCustomizations.catalog).revokeCredentials(record)
            StandardOutput.line("dropped the instance's database login")
            try? FileManager.default.removeItem(atPath: record.deployment.directory)
            try await log.append(
                .destroyed(.init(exportFile: URL(fileURLWithPath: export).standardizedFileURL.path, exportedEvents: exported)),
                for: tenantID, expectedVersion: record.version, actor: Operator.actor, reason: "destroy")
            StandardOutput.line("destroyed the instance of \(record.deployment.slug)")
        }
    }
}
