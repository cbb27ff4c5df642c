import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag set <key> <variant> --tenant <slug>`: a per-tenant override.
struct FlagSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Serve one tenant a variant, whatever the rules, rollout and plan say (not while the flag is off).",
        discussion: "Example:\n  tenantry flag set new-billing on --tenant acme-corp --reason \"pilot customer\""
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("The variant the tenant gets.", valueName: "variant"))
    var variant: String
    @OptionGroup var tenant: FlagTenantOption
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (key, slug, variant, change) = (try flag.flagKey, tenant.tenant, self.variant, reason.change)
        let (changed, slugs) = try await connection.withRuntime { runtime in
            let changed = try await runtime.flagAdministration.setOverride(key, tenant: slug, variant: variant, by: change)
            return (changed, output.json ? try await runtime.flagAdministration.slugs() : [:])
        }
        FlagOutput.printChange(changed, "tenant \(slug) gets \(variant)", json: output.json, slugs: slugs)
    }
}
