import ArgumentParser
import FeatureFlags

/// `tenantry flag variants <key> --variant … --default …`: replaces the variants.
struct FlagVariantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants",
        abstract: "Replace a flag's variants and default; every variant in use (rules, overrides, …) must stay.",
        discussion: """
            --variant works as in flag define; the flag keeps its type.
            Example:
              tenantry flag variants theme --variant light --variant dark --variant contrast
            """
    )

    @OptionGroup var flag: FlagSelection
    @Option(name: .customLong("variant"), help: ArgumentHelp("A variant, NAME or NAME=VALUE; repeat for each.", valueName: "variant"))
    var variants: [String] = []
    @Option(name: .customLong("default"), help: ArgumentHelp("The default variant (default: the first given).", valueName: "name"))
    var defaultVariant: String?
    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard !variants.isEmpty else { throw ValidationError("give the flag's variants with --variant (one or more)") }
    }

    func run() async throws {
        let (key, change, arguments, defaultVariant) = (try flag.flagKey, reason.change, variants, self.defaultVariant)
        let changed = try await connection.withRuntime { runtime in
            guard let current = try await runtime.flags.load(key) else { throw FlagError.notFound(key.rawValue) }
            let parsed = try FlagVariants(parsing: arguments, as: current.type)
            guard let defaultName = defaultVariant ?? parsed.names.first ?? current.defaultVariant else {
                throw FlagError.invalidDefinition("flag \(key): name the default variant with --default")
            }
            return try await runtime.flags.setVariants(key, parsed.variants, defaultVariant: defaultName, by: change)
        }
        FlagOutput.printChange(changed, "variants \(FlagOutput.variants(changed)); default \(FlagOutput.defaultName(changed.defaultVariant))", json: output.json)
    }
}
