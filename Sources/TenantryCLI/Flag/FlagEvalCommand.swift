import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag eval <key> --tenant <slug>`: what a tenant gets, and why.
struct FlagEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a flag for a tenant (and caller attributes): prints value, variant and reason.",
        discussion: """
            The tenant's attributes (tenant.plan, tenant.slug, …) come from its record; \
            --context adds the caller's (values are JSON when they parse as JSON, else text). \
            The targeting key (what rollouts hash) is the tenant's id unless --targeting-key \
            gives one. An evaluation error exits 66 for an unknown flag, else 65.
            Examples:
              tenantry flag eval new-billing --tenant acme-corp
              tenantry flag eval theme --tenant acme-corp --context country=se \\
                  --targeting-key user-42 --json
            """
    )

    @OptionGroup var flag: FlagSelection
    @OptionGroup var tenant: FlagTenantOption
    @Option(name: .customLong("context"), help: ArgumentHelp("A caller attribute, KEY=VALUE; repeat for each.", valueName: "key=value"))
    var context: [String] = []
    @Option(help: ArgumentHelp("The caller's targeting key (default: the tenant's id).", valueName: "key"))
    var targetingKey: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let attributes = try KeyValueArguments.parse(context, option: "--context")
        if targetingKey != nil, attributes["targetingKey"] != nil {
            throw ValidationError("give the targeting key once: --targeting-key or --context targetingKey=…")
        }
    }

    func run() async throws {
        let (key, slug) = (flag.key, tenant.tenant)
        var caller = try KeyValueArguments.parse(context, option: "--context")
        if let targetingKey { caller["targetingKey"] = .string(targetingKey) }
        let result = try await connection.withRuntime { runtime in
            try await runtime.flagAdministration.evaluate(key, tenant: slug, context: caller)
        }
        if output.json {
            StandardOutput.line(JSONWriter.compact(.object(FlagOutput.evaluation(result))))
        } else if result.errorCode == nil {
            StandardOutput.line("value:   \(result.value?.compactJSON ?? "none: the caller's own default")")
            StandardOutput.line("variant: \(result.variant ?? "-")")
            StandardOutput.line("reason:  \(result.reason.rawValue)")
        }
        if let code = result.errorCode {
            let message = "\(code.rawValue): \(result.errorMessage ?? code.rawValue)"
            throw code == .flagNotFound
                ? CommandFailure(message: message, exitCode: CommandFailure.notFound)
                : CommandFailure(message: message, exitCode: CommandFailure.dataError)
        }
    }
}
