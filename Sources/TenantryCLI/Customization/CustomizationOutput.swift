import Extensions
import FeatureFlags
import TenantryServer

/// How customizations are printed: the admin API's JSON for scripts (`ListedCustomization.adminFields`,
/// so the two faces show a customization alike), a few lines each for people.
enum CustomizationOutput {
    /// `customization list`: per customization a head line (`id version (kind): summary`),
    /// then its install record, hooks and settings, one per line; a blank line between.
    static func list(_ listed: [ListedCustomization], json: Bool) {
        if json {
            StandardOutput.line(JSONWriter.compact(.array(listed.map { .object($0.adminFields) })))
            return
        }
        for (index, customization) in listed.enumerated() {
            if index > 0 { StandardOutput.line("") }
            let description = customization.description
            StandardOutput.line("\(description.id) \(description.version) (\(customization.kind)): \(description.summary)")
            if let installation = customization.installation {
                let actor = installation.actor.map { " by \($0)" } ?? ""
                StandardOutput.line("  module   \(installation.installed.size) bytes, installed \(installation.installedAt.formatted(.iso8601))\(actor)")
            }
            for hook in description.hooks { StandardOutput.line("  hook     \(hook)") }
            for setting in description.settings {
                let requirement = setting.defaultValue.map { "default \(setting.isSecret ? SettingSpecification.mask : $0)" } ?? "required"
                StandardOutput.line("  setting  \(setting.name) (\(setting.kind.rawValue), \(requirement)\(setting.isSecret ? ", secret" : "")): \(setting.summary)")
            }
        }
    }

    /// `customization install`: `installed ID VERSION (sha256:…, N bytes): hooks`, or
    /// `already installed: …` when that version was there with the same bytes; with `json`,
    /// the admin API's fields and `created`.
    static func installed(_ customization: ListedCustomization, created: Bool, json: Bool) {
        if json {
            var fields = customization.adminFields
            fields["created"] = .bool(created)
            StandardOutput.line(JSONWriter.compact(.object(fields)))
            return
        }
        let description = customization.description
        let size = customization.installation.map { ", \($0.installed.size) bytes" } ?? ""
        let address = if case .webAssembly(let sha256) = description.origin { "sha256:\(sha256)" } else { "compiled" }
        let hooks = description.hooks.isEmpty ? "no hooks described" : description.hooks.joined(separator: "; ")
        let line = "\(description.id) \(description.version) (\(address)\(size)): \(hooks)"
        StandardOutput.line(created ? "installed \(line)" : "already installed: \(line)")
    }
}
