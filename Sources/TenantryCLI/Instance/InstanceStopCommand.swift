import ArgumentParser
import Instances

/// `tenantry instance stop <tenant>`.
struct InstanceStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a local instance gracefully (SIGTERM: requests drained, subscriptions checkpointed).")

    @Argument(help: "The tenant's slug or id.")
    var tenant: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let stopped = try await connection.withInstances { instances in try await instances.stop(tenant, actor: Operator.actor) }
        StandardOutput.line("stopped the instance of \(stopped.deployment.slug) (pid \(stopped.process?.processId ?? 0))")
    }
}
