import Extensions
public import FeatureFlags
import Foundation

extension ListedCustomization {
    /// The customization as the admin API shows it and `tenantry customization … --json`
    /// prints it: id, version, `kind` (`compiled` or `wasm`), summary, hooks and settings (a
    /// secret's default masked); an installed module adds its `sha256`, `size` in bytes,
    /// `installedAt` and `installedBy`.
    public var adminFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "id": .string(description.id.rawValue),
            "version": .string(description.version),
            "summary": .string(description.summary),
            "hooks": .array(description.hooks.map { .string($0) }),
            "settings": .array(description.settings.map(\.adminJSON)),
        ]
        switch description.origin {
        case .compiled:
            fields["kind"] = .string("compiled")
        case .webAssembly(let sha256):
            fields["kind"] = .string("wasm")
            fields["sha256"] = .string(sha256)
        }
        if let installation {
            fields["size"] = .integer(Int64(installation.installed.size))
            fields["installedAt"] = .string(installation.installedAt.formatted(.iso8601))
            fields["installedBy"] = installation.actor.map { .string($0) } ?? .null
        }
        return fields
    }

    var adminJSON: JSONValue { .object(adminFields) }
}
