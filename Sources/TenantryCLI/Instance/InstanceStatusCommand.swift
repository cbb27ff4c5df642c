import ArgumentParser
import Customizations
import Extensions
import Foundation
import Tenantry

/// `tenantry instance status <tenant>`.
struct InstanceStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an instance: release, customization, settings (secrets as fingerprints), health and reaction lag.")

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await connection.withRuntime { runtime in
            let tenantID = try await runtime.tenants.resolve(tenant)
            let administration = InstanceAdministration(runtime: runtime, catalog: ReleaseCustomizations.catalog)
            guard let record = try await administration.log.record(of: tenantID) else { throw InstanceError.notDeployed(tenant) }
            let port = record.process?.port ?? record.deployment.port
            let state = InstanceOutput.state(record)
            let health = state == "running" ? (await LocalInstanceProcess.isReady(port: port) ? "ready" : "not ready") : "-"
            var lags: [String: Int] = [:]
            if record.status != .destroyed, let customization = ReleaseCustomizations.catalog.customization(CustomizationID(record.deployment.customizationId) ?? "x") {
                // Reading checkpoints needs the hooks, not the real settings: examples will do.
                let description = CustomizationDescription(customization)
                if !description.hooks.filter({ $0.hasPrefix("reacts") }).isEmpty,
                    let host = try? CustomizationHost(customization, settings: Dictionary(uniqueKeysWithValues: customization.settings.map { ($0.name, $0.defaultValue ?? $0.kind.example) }))
                {
                    lags = try await administration.reactionLag(record, host: host)
                }
            }
            if output.json {
                StandardOutput.line(InstanceOutput.json(record, extra: [
                    "health": .string(health), "lag": .object(lags.mapValues { .number(Double($0)) }),
                ]).rendered)
                return
            }
            let deployment = record.deployment
            StandardOutput.line("tenant         \(deployment.slug) (\(deployment.tenantId.uuidString.lowercased()))")
            StandardOutput.line("customization  \(deployment.customizationId) \(deployment.customizationVersion)")
            StandardOutput.line("release        \(record.release)")
            StandardOutput.line("target         \(deployment.target), port \(port)")
            StandardOutput.line("state          \(state)\(record.process.map { " (pid \($0.processId))" } ?? "")")
            StandardOutput.line("health         \(health)")
            StandardOutput.line("database       \(deployment.database)")
            StandardOutput.line("files          \(deployment.directory)")
            for name in deployment.settings.keys.sorted() { StandardOutput.line("setting        \(name)=\(deployment.settings[name] ?? "")") }
            for name in lags.keys.sorted() { StandardOutput.line("reaction lag   \(name): \(lags[name] ?? 0) events") }
        }
    }
}
