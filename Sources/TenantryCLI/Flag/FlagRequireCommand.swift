import ArgumentParser
import FeatureFlags

/// `tenantry flag require <key> <flag>=<variant>…`: prerequisites.
struct FlagRequireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "require",
        abstract: "Serve the flag's targeting only when other flags evaluate to given variants (else its default); replaces the list.",
        discussion: """
            Examples:
              tenantry flag require new-invoices new-billing=on
              tenantry flag require new-invoices --none
            """
    )

    @OptionGroup var flag: FlagSelection
    @Argument(help: ArgumentHelp("A required flag and variant, FLAG=VARIANT.", valueName: "flag=variant"))
    var requirements: [String] = []
    @ArgumentParser.Flag(help: "Remove every prerequisite.")
    var none = false
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard requirements.isEmpty == none else { throw ValidationError("give FLAG=VARIANT prerequisites, or --none to remove them") }
        _ = try prerequisites()
    }

    private func prerequisites() throws -> [Prerequisite] {
        try requirements.map { requirement in
            let (name, variant) = FlagVariants.split(requirement)
            guard let variant, !variant.isEmpty, let key = try? FlagKey(name) else {
                throw ValidationError("\"\(requirement)\" is not FLAG=VARIANT")
            }
            return Prerequisite(flag: key, variant: variant)
        }
    }

    func run() async throws {
        let (key, change, prerequisites) = (try flag.flagKey, reason.change, try self.prerequisites())
        let changed = try await connection.withRuntime { runtime in
            try await runtime.flags.setPrerequisites(key, prerequisites, by: change)
        }
        let summary = changed.prerequisites.map { "\($0.flag)=\($0.variant)" }.joined(separator: ", ")
        FlagOutput.printChange(changed, summary.isEmpty ? "no prerequisites" : "requires \(summary)", json: output.json)
    }
}
