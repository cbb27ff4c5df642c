import ArgumentParser
import Foundation
import Provisioning

/// `tenantry tenant retry <slug>`: provision a failed tenant again.
struct TenantRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Retry the provisioning of a failed tenant and wait until it is active (or failed again); prints its new first API key, once.",
        discussion: """
            Records TenantProvisioningRetried and runs the provisioning saga again from its \
            first step: the tenant keeps its id and slug. Fix the cause first (`tenant show` \
            prints it as failure:, e.g. a dedicated cluster out of reach). Exits 1 when it \
            fails again, 65 when the tenant is not failed.
            Example:
              tenantry tenant retry big-bank --reason "cluster firewall opened"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let reason { try ReasonOption.check(reason) }
    }

    func run() async throws {
        let (slug, reason, json) = (tenant.slug, self.reason, output.json)
        let outcome = try await connection.withRuntime { runtime in
            try await runtime.tenants.retry(slug, reason: reason, actor: Operator.actor) { step in
                if !json { FileHandle.standardError.write(Data("  ✓ \(step)\n".utf8)) }
            }
        }
        TenantOutput.printProvisioned(outcome.tenant, apiKey: outcome.apiKey?.secret, json: json)
        if outcome.tenant.status == .failed { throw ExitCode(1) }
    }
}
