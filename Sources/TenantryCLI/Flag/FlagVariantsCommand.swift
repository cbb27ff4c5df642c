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
    @Option(
        name: .customLong("default"),
        help: ArgumentHelp(
            "The default variant (default: the flag's own if it stays a variant, else the first given; a flag without one keeps none).",
            valueName: "name"
        )
    )
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
            return try await runtime.flags.setVariants(
                key, parsed.variants, defaultVariant: Self.resultingDefault(given: defaultVariant, current: current, variants: parsed), by: change
            )
        }
        FlagOutput.printChange(changed, "variants \(FlagOutput.variants(changed)); default \(FlagOutput.defaultName(changed.defaultVariant))", json: output.json)
    }

    /// The default variant a change of variants leaves: the one given; else the flag's own
    /// while it stays a variant; none for a flag that has none (a flagd flag deferring to the
    /// caller's default); else the first variant given.
    static func resultingDefault(given: String?, current: FeatureFlags.Flag, variants: FlagVariants) -> String? {
        if let given { return given }
        guard let own = current.defaultVariant else { return nil }
        return variants.variants[own] != nil ? own : variants.names.first
    }
}
