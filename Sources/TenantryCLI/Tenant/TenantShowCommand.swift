import ArgumentParser
import FeatureFlags
import Provisioning

/// `tenantry tenant show <slug>`.
struct TenantShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one tenant as its events say it is.",
        discussion: "Example:\n  tenantry tenant show acme-corp"
    )

    @OptionGroup var tenant: TenantSelection

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let slug = tenant.slug
        let state = try await connection.withRuntime { runtime in
            try await runtime.tenants.tenant(slug)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(TenantOutput.json(state))))
        } else {
            TenantOutput.lines(state).forEach { StandardOutput.line($0) }
        }
    }
}
