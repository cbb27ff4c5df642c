import ArgumentParser

/// `tenantry tenant resume <slug> --reason R`: suspended → active.
struct TenantResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Reactivate a suspended tenant.",
        discussion: "Example:\n  tenantry tenant resume acme-corp --reason \"invoice paid\""
    )

    @OptionGroup var tenant: TenantSelection
    @OptionGroup var reason: ReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, reason) = (tenant.slug, reason.reason)
        let state = try await connection.withRuntime { runtime in
            try await runtime.tenants.resume(slug, reason: reason, actor: Operator.actor)
        }
        TenantOutput.printTransition(state, json: output.json)
    }
}
