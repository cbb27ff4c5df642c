import ArgumentParser
import FeatureFlags
import Provisioning

/// `tenantry flag entitle <key> --plan P <variant>`: what a plan's tenants get.
struct FlagEntitleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entitle",
        abstract: "Give a plan's tenants a variant (after overrides, rules and the rollout), or stop with --none.",
        discussion: """
            Examples:
              tenantry flag entitle sso --plan enterprise on
              tenantry flag entitle sso --plan pro --none
            """
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("The variant the plan's tenants get.", valueName: "variant"))
    var variant: String?
    @Option(help: ArgumentHelp("free, trial, pro or enterprise.", valueName: "plan"))
    var plan: Plan
    @ArgumentParser.Flag(help: "Remove the plan's entitlement.")
    var none = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (variant == nil) == none else { throw ValidationError("give the plan's variant, or --none to remove its entitlement") }
    }

    func run() async throws {
        let (key, change, plan, variant) = (try flag.flagKey, reason.change, self.plan.rawValue, self.variant)
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.setEntitlement(key, plan: plan, variant: variant, by: change)
        }
        FlagOutput.printChange(changed, variant.map { "plan \(plan) gets \($0)" } ?? "plan \(plan) has no entitlement", json: output.json)
    }
}
