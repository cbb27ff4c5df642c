import ArgumentParser
import Provisioning

/// `tenantry tenant plan <slug> <plan>`: another plan of the same isolation.
struct TenantPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Move an active tenant to another plan of the same isolation.",
        discussion: "Example:\n  tenantry tenant plan acme-corp pro"
    )

    @OptionGroup var tenant: TenantSelection
    @Argument(help: ArgumentHelp("free, pro (or enterprise for a dedicated tenant).", valueName: "plan"))
    var plan: Plan
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, plan, reason) = (tenant.slug, self.plan, self.reason)
        let state = try await connection.withRuntime { runtime in
            try await runtime.tenants.changePlan(slug, to: plan, reason: reason, actor: Operator.actor)
        }
        TenantOutput.printTransition(state, json: output.json)
    }
}
