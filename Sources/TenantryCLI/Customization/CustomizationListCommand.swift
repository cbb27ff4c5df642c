import ArgumentParser
import Customizations
import Extensions
import FeatureFlags

/// `tenantry customization list`: each customization with its version, hooks and settings.
struct CustomizationListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the customizations compiled in, with their hooks and settings.",
        discussion: """
            A single-tenant instance runs exactly one of these (instance deploy --customization); the \
            pooled deployment runs none. Settings marked required must be given with --setting \
            name=value when deploying.

            Examples:
              tenantry customization list
              tenantry customization list --json
            """
    )

    @OptionGroup var output: OutputOptions

    func run() async throws {
        let descriptions = ReleaseCustomizations.catalog.customizations.map(CustomizationDescription.init)
        if output.json {
            StandardOutput.line(JSONWriter.compact(.array(descriptions.map(Self.json))))
            return
        }
        for (index, description) in descriptions.enumerated() {
            if index > 0 { StandardOutput.line("") }
            StandardOutput.line("\(description.id) \(description.version): \(description.summary)")
            for hook in description.hooks { StandardOutput.line("  hook     \(hook)") }
            for setting in description.settings {
                let requirement = setting.defaultValue.map { "default \(setting.isSecret ? "••••••" : $0)" } ?? "required"
                StandardOutput.line("  setting  \(setting.name) (\(setting.kind.rawValue), \(requirement)\(setting.isSecret ? ", secret" : "")): \(setting.summary)")
            }
        }
    }

    static func json(_ description: CustomizationDescription) -> JSONValue {
        .object([
            "id": .string(description.id.rawValue),
            "version": .string(description.version),
            "summary": .string(description.summary),
            "hooks": .array(description.hooks.map { .string($0) }),
            "settings": .array(description.settings.map { setting in
                .object([
                    "name": .string(setting.name),
                    "kind": .string(setting.kind.rawValue),
                    "summary": .string(setting.summary),
                    "required": .bool(setting.isRequired),
                    "default": setting.defaultValue.map { .string(setting.isSecret ? "••••••" : $0) } ?? .null,
                    "secret": .bool(setting.isSecret),
                ])
            }),
        ])
    }
}
