import ArgumentParser
import Foundation
import Tenantry

/// `tenantry instance list`.
struct InstanceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the tenants' instances with customization, release, target and state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let records = try await connection.withRuntime { runtime in
            try await InstanceLog(store: runtime.operatorEventStore).all().values.sorted { $0.deployment.slug < $1.deployment.slug }
        }
        if output.json {
            for record in records { StandardOutput.line(InstanceOutput.json(record).rendered) }
            return
        }
        var table = TextTable("TENANT", "CUSTOMIZATION", "RELEASE", "TARGET", "STATE", "PORT", "DATABASE")
        for record in records {
            let deployment = record.deployment
            table.append([
                deployment.slug, "\(deployment.customizationId) \(deployment.customizationVersion)", record.release,
                deployment.target, InstanceOutput.state(record), String(record.process?.port ?? deployment.port), deployment.database,
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
