import ArgumentParser

/// `tenantry customization …`: the customizations deployments can name, compiled into this
/// build or installed as WebAssembly modules.
struct CustomizationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customization",
        abstract: "The customizations compiled into this build and the WebAssembly modules installed.",
        subcommands: [CustomizationListCommand.self, CustomizationInstallCommand.self]
    )
}
