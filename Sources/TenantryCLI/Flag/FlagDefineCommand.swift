import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry flag define <key>`: a new flag, its variants and its default.
struct FlagDefineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define",
        abstract: "Define a flag: its type, variants and default variant.",
        discussion: """
            A boolean flag with no --variant gets on = true and off = false, default off. A \
            string variant named alone is its own value; --variant NAME=VALUE gives it one \
            (JSON when it parses as JSON). Integer, double and object variants need a value. \
            The default variant is the first one given unless --default says otherwise.
            Examples:
              tenantry flag define new-billing --type boolean --reason "billing v2 pilot"
              tenantry flag define theme --type string --variant light --variant dark
              tenantry flag define page-size --type integer \\
                  --variant small=20 --variant big=100 --metadata owner=web
            """
    )

    @OptionGroup var flag: FlagSelection

    @Option(help: ArgumentHelp("boolean, string, integer, double or object.", valueName: "type"))
    var type: FlagType = .boolean

    @Option(name: .customLong("variant"), help: ArgumentHelp("A variant, NAME or NAME=VALUE; repeat for each.", valueName: "variant"))
    var variants: [String] = []

    @Option(name: .customLong("default"), help: ArgumentHelp("The default variant (default: the first given).", valueName: "name"))
    var defaultVariant: String?

    @Option(help: ArgumentHelp("What the flag is for.", valueName: "text"))
    var description: String = ""

    @ArgumentParser.Flag(help: "Define it switched off (every evaluation serves the default, reason DISABLED).")
    var disabled = false

    @Option(name: .customLong("metadata"), help: ArgumentHelp("A fact about the flag, KEY=VALUE (owner, ticket); repeat for each.", valueName: "key=value"))
    var metadata: [String] = []

    @OptionGroup var reason: FlagReasonOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try KeyValueArguments.parse(metadata, option: "--metadata")
    }

    func run() async throws {
        let definition = try makeDefinition()
        // Checked before anything connects: a bad definition never starts the database.
        _ = try definition.flag()
        let change = reason.change
        let defined = try await connection.withRuntime { runtime in
            try await runtime.flagAdministration.define(definition, by: change)
        }
        FlagOutput.printChange(
            defined,
            "defined \(defined.type.rawValue) flag: \(FlagOutput.variants(defined)); default \(FlagOutput.defaultName(defined.defaultVariant))"
                + (defined.isEnabled ? "" : "; disabled"),
            json: output.json
        )
    }

    /// The flag as the options describe it (`FlagDefinition` fills in the defaults: a boolean
    /// flag given no variant gets off and on; the default is the first variant given).
    private func makeDefinition() throws -> FlagDefinition {
        let parsed = try FlagVariants(parsing: variants, as: type)
        if type != .boolean, parsed.names.isEmpty {
            throw FlagError.invalidDefinition("a \(type.rawValue) flag needs at least one --variant")
        }
        return FlagDefinition(
            key: try self.flag.flagKey.rawValue, type: type, variants: parsed.ordered, defaultVariant: defaultVariant,
            description: description, isEnabled: !disabled, metadata: try KeyValueArguments.parse(metadata, option: "--metadata")
        )
    }
}
