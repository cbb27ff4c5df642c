import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag unset <key> --tenant <slug>`: removes a tenant's override.
struct FlagUnsetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Remove a tenant's override: it is targeted like every other tenant again.",
        discussion: "Example:\n  tenantry flag unset new-billing --tenant acme-corp"
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var tenant: FlagTenantOption
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, slug, change) = (try flag.flagKey, tenant.tenant, reason.change)
        let (changed, slugs) = try await connection.withRuntime { runtime in
            let changed = try await runtime.flagAdministration.clearOverride(key, tenant: slug, by: change)
            return (changed, output.json ? try await runtime.flagAdministration.slugs() : [:])
        }
        FlagOutput.printChange(changed, "tenant \(slug) has no override", json: output.json, slugs: slugs)
    }
}
