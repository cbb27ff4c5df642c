import ArgumentParser
import FeatureFlags
import Tenantry

/// `tenantry tenant customize <slug> ID[@VERSION] [--setting name=value …]` or `--remove`: the
/// WebAssembly module that validates a pooled tenant's changes.
struct TenantCustomizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customize",
        abstract: "Assign an installed WebAssembly customization to a pooled tenant, or remove it.",
        discussion: """
            The module's validators then judge the tenant's plan changes, API keys and attribute \
            changes before anything is written, and its flag defaults become the tenant's \
            overrides where it has none. Only validators and flag defaults run for pooled \
            tenants: a module with reactions, tenantry.http or secret settings is refused. ID \
            alone takes the highest version installed (tenantry customization list).

            Examples:
              tenantry tenant customize acme-corp data-residency --setting regions=eu,ch
              tenantry tenant customize acme-corp data-residency@1.0.0 --setting regions=eu
              tenantry tenant customize acme-corp --remove --reason "back to the defaults"
            """
    )

    @OptionGroup var tenant: TenantSelection
    @Argument(help: ArgumentHelp("The module, ID or ID@VERSION (not with --remove).", valueName: "customization"))
    var customization: String?
    @Option(name: .customLong("setting"), help: ArgumentHelp("A setting of the module, name=value (repeatable).", valueName: "name=value"))
    var settings: [String] = []
    @ArgumentParser.Flag(help: "Remove the tenant's customization.")
    var remove = false
    @Option(help: ArgumentHelp("Why; recorded with the event.", valueName: "text"))
    var reason: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard remove != (customization != nil) else {
            throw ValidationError(remove ? "--remove takes no customization" : "give the customization (ID or ID@VERSION), or --remove")
        }
        if remove, !settings.isEmpty { throw ValidationError("--remove takes no --setting") }
        _ = try SettingArguments.parse(settings)
    }

    func run() async throws {
        let (slug, reference, reason, remove) = (tenant.slug, customization, self.reason, self.remove)
        let settings = try SettingArguments.parse(self.settings)
        try await connection.withRuntime { runtime in
            let state = try await runtime.tenants.tenant(slug)
            if remove {
                let removed = try await runtime.tenants.customizations.remove(from: state.id, actor: Operator.actor, reason: reason)
                let text = removed ? "removed the customization of \(state.slug)" : "\(state.slug) has no customization"
                if output.json {
                    StandardOutput.line(JSONWriter.compact(.object(["tenant": .string(state.slug), "removed": .bool(removed)])))
                } else {
                    StandardOutput.line(text)
                }
                return
            }
            guard let reference else { return }
            let assignment = try await runtime.tenants.customizations.assign(
                reference, settings: settings, to: state, flags: runtime.flags, actor: Operator.actor, reason: reason)
            if output.json {
                StandardOutput.line(JSONWriter.compact(.object([
                    "tenant": .string(state.slug), "customization": .string(assignment.customization.rawValue), "version": .string(assignment.version),
                    "module": .string(assignment.module), "settings": .object(assignment.settings.mapValues { .string($0) }),
                ])))
            } else {
                StandardOutput.line("\(state.slug) is customized by \(assignment.reference) (\(assignment.module))")
            }
        }
    }
}
