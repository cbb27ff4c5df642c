import ArgumentParser
import FeatureFlags
import Foundation
import Instances

/// `tenantry instance list`.
struct InstanceListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the tenants' instances with customization, release, target and state.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (records, states) = try await connection.withInstances { instances in
            let records = try await instances.list()
            return (records, records.map(instances.state(of:)))
        }
        if output.json {
            for (record, state) in zip(records, states) { StandardOutput.line(JSONWriter.compact(.object(InstanceOutput.json(record, state: state)))) }
            return
        }
        var table = TextTable("TENANT", "CUSTOMIZATION", "RELEASE", "TARGET", "STATE", "PORT", "DATABASE")
        for (record, state) in zip(records, states) {
            let deployment = record.deployment
            table.append([
                deployment.slug, "\(record.customization.id) \(record.customization.version)", record.release,
                deployment.target, state, String(record.process?.port ?? deployment.port), deployment.database,
            ])
        }
        StandardOutput.line(table.rendered)
    }
}
