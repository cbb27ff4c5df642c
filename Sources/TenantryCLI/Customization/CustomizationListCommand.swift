import ArgumentParser
import Customizations
import TenantryServer

/// `tenantry customization list`: each customization deployments can name, compiled in or
/// installed as a WebAssembly module, with its version, kind, hooks and settings.
struct CustomizationListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the customizations compiled in and the WebAssembly modules installed, with their hooks and settings.",
        discussion: """
            A single-tenant instance runs exactly one of these (instance deploy --customization); the \
            pooled deployment runs none. Each is compiled (into this release) or wasm with the \
            sha256 of its module (installed with customization install, each version listed). \
            Settings marked required must be given with --setting name=value when deploying. \
            --compiled lists only this release's customizations and needs no database.

            Examples:
              tenantry customization list
              tenantry customization list --compiled --json
            """
    )

    @Flag(help: "Only the customizations compiled into this release (no database needed).")
    var compiled = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let listed = compiled
            ? ListedCustomization.compiled(ReleaseCustomizations.catalog)
            : try await connection.withRuntime { runtime in
                try await ListedCustomization.all(in: runtime.customizations(catalog: ReleaseCustomizations.catalog))
            }
        CustomizationOutput.list(listed, json: output.json)
    }
}
