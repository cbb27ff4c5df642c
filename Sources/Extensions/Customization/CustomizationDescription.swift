/// What a customization is and plugs in, for listings (`tenantry customization list`), without
/// a deployment's settings.
public struct CustomizationDescription: Sendable {
    public let id: CustomizationID
    public let version: String
    public let summary: String
    public let settings: [SettingSpecification]
    /// Compiled in, or a WebAssembly module (by sha256).
    public let origin: CustomizationDefinition.Origin
    /// E.g. "validates signup", "reacts to every event as 'siem' (…)", "route GET /x/corporate-email/policy".
    public let hooks: [String]

    /// Registers the hooks of `customization` built from example settings (each setting's
    /// default, else an example of its kind), to list them.
    public init(_ customization: any Customization.Type) {
        self.init(CustomizationDefinition(customization))
    }

    /// As above, for any definition.
    public init(_ definition: CustomizationDefinition) {
        id = definition.id
        version = definition.version
        summary = definition.summary
        settings = definition.settings
        origin = definition.origin
        let examples = Dictionary(definition.settings.map { ($0.name, $0.defaultValue ?? $0.kind.example) }) { first, _ in first }
        var hooks: [String] = definition.hookSummaries ?? []
        if definition.hookSummaries == nil, let host = try? CustomizationHost(definition, settings: examples) {
            hooks += host.validatedCommands.map { "validates \($0)" }
            hooks += host.reactions.map { reaction in
                let events = reaction.selection.categories.map { "events of \($0.joined(separator: ", "))" } ?? "every event"
                return "reacts to \(events) as '\(reaction.name)' (own checkpoint, retried)"
            }
            hooks += host.routes.map { "route \($0.method) /x/\(definition.id)/\($0.path)" }
            hooks += host.flagDefaults.map { "flag default \($0.flagKey) = \($0.variant)" }
        }
        self.hooks = hooks
    }
}

extension SettingSpecification.Kind {
    /// A value of the kind, for describing a customization without real settings.
    public var example: String {
        switch self {
        case .string: "example"
        case .integer: "1"
        case .boolean: "false"
        case .url: "https://example.com/"
        case .domain: "example.com"
        }
    }
}
