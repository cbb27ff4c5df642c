import ArgumentParser
import Customizations
import Foundation
import Tenantry

/// `tenantry instance stop <tenant>`.
struct InstanceStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a local instance gracefully (SIGTERM: requests drained, subscriptions checkpointed).")

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withRuntime { runtime in
            let tenantID = try await runtime.tenants.resolve(tenant)
            let log = InstanceLog(store: runtime.operatorEventStore)
            guard let record = try await log.record(of: tenantID) else { throw InstanceError.notDeployed(tenant) }
            guard record.status == .running, let process = record.process else { throw InstanceError.notRunning(record.deployment.slug) }
            try await LocalInstanceProcess.stop(processID: process.processId, slug: record.deployment.slug)
            try await log.append(.stopped(.init(processId: process.processId)), for: tenantID, expectedVersion: record.version, actor: Operator.actor, reason: "stop")
            StandardOutput.line("stopped the instance of \(record.deployment.slug) (pid \(process.processId))")
        }
    }
}
