import ArgumentParser

/// `tenantry tenant suspend <slug> --reason R`: active → suspended.
struct TenantSuspendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Suspend an active tenant.",
        discussion: "Example:\n  tenantry tenant suspend acme-corp --reason \"unpaid invoice 1042\""
    )

    @OptionGroup var tenant: TenantSelection
    @OptionGroup var reason: ReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (slug, reason) = (tenant.slug, reason.reason)
        let state = try await connection.withRuntime { runtime in
            try await runtime.tenants.suspend(slug, reason: reason, actor: Operator.actor)
        }
        TenantOutput.printTransition(state, json: output.json)
    }
}
