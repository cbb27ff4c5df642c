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
            let state = try await runtime.tenants.tenants.reactivate(try await runtime.tenants.resolve(slug), reason: reason, actor: Operator.actor)
            try await runtime.tenants.registry.catchUpWithCommittedWrites()
            return state
        }
        TenantOutput.printTransition(state, json: output.json)
    }
}
