/// One setting a customization takes, as `instance deploy --setting name=value` supplies it.
public struct SettingSpecification: Sendable, Hashable {
    /// What values a setting accepts.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case string
        case integer
        case boolean
        /// An absolute http or https URL.
        case url
        /// A DNS domain name, e.g. `example.com` (stored lowercased).
        case domain
    }

    public let name: String
    public let kind: Kind
    public let summary: String
    /// Used when the deployment gives no value; a setting without one is required.
    public let defaultValue: String?
    /// Shown masked in listings and status (e.g. a webhook's shared secret).
    public let isSecret: Bool

    public init(name: String, kind: Kind, summary: String, defaultValue: String? = nil, isSecret: Bool = false) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.defaultValue = defaultValue
        self.isSecret = isSecret
    }

    public var isRequired: Bool { defaultValue == nil }
}
