public import Extensions
public import FeatureFlags

extension SettingSpecification {
    /// A setting as listings show it: name, kind, summary, whether a deployment must give it,
    /// its default (masked for a secret) and whether it is secret.
    public var adminJSON: JSONValue {
        .object([
            "name": .string(name),
            "kind": .string(kind.rawValue),
            "summary": .string(summary),
            "required": .bool(isRequired),
            "default": defaultValue.map { .string(isSecret ? Self.mask : $0) } ?? .null,
            "secret": .bool(isSecret),
        ])
    }

    /// What a secret's default is shown as.
    public static let mask = "••••••"
}
