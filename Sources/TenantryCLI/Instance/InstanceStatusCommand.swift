import ArgumentParser
import FeatureFlags
import Instances

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
        let status = try await connection.withInstances { instances in try await instances.status(of: tenant) }
        let record = status.record
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(InstanceOutput.json(record, state: status.state, extra: [
                "health": .string(status.health), "lag": .object(status.reactionLag.mapValues { .integer(Int64($0)) }),
            ]))))
            return
        }
        let deployment = record.deployment
        StandardOutput.line("tenant         \(deployment.slug) (\(deployment.tenantId.uuidString.lowercased()))")
        let customization = record.customization
        StandardOutput.line("customization  \(customization.id) \(customization.version)\(customization.module.map { " (module \($0))" } ?? "")")
        StandardOutput.line("release        \(record.release)")
        StandardOutput.line("target         \(deployment.target), port \(status.port)")
        StandardOutput.line("state          \(status.state)\(record.process.map { " (pid \($0.processId))" } ?? "")")
        StandardOutput.line("health         \(status.health)")
        StandardOutput.line("database       \(deployment.database)")
        StandardOutput.line("files          \(deployment.directory)")
        for name in record.settings.keys.sorted() { StandardOutput.line("setting        \(name)=\(record.settings[name] ?? "")") }
        for name in status.reactionLag.keys.sorted() { StandardOutput.line("reaction lag   \(name): \(status.reactionLag[name] ?? 0) events") }
    }
}
