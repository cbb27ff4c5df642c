import ArgumentParser

/// `tenantry tenant rebuild`: fold the tenant registry again from the events.
struct TenantRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the tenant registry (tenantry.tenants) from the tenant events.",
        discussion: "Example:\n  tenantry tenant rebuild"
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let count = try await connection.withRuntime { runtime in
            try await runtime.tenants.registry.rebuild()
            return try await runtime.tenants.list(state: nil, plan: nil).count
        }
        StandardOutput.line("rebuilt the tenant registry: \(count) tenants")
    }
}
