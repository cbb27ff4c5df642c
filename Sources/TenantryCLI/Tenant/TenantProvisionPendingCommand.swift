import ArgumentParser
import Provisioning

/// `tenantry tenant provision-pending`: finish every tenant left in provisioning.
struct TenantProvisionPendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision-pending",
        abstract: "Run the provisioning saga for every tenant the event feed shows still provisioning (the server does this continuously).",
        discussion: "Example:\n  tenantry tenant provision-pending"
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let finished = try await connection.withRuntime { runtime in
            let count = try await ProvisioningProcessManager(saga: runtime.tenants.saga).runPending()
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            return count
        }
        StandardOutput.line("provisioned \(finished) pending tenant(s)")
    }
}
