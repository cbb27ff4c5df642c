/// A customization as the platform deploys it, whatever it is made of: its id, version,
/// settings and how its hooks are registered from checked settings. A compiled-in
/// `Customization` type is one; a WebAssembly module, installed without a release, is another.
public struct CustomizationDefinition: Sendable {
    /// What the customization's code is.
    public enum Origin: Sendable, Hashable {
        /// Swift compiled into this release.
        case compiled
        /// A WebAssembly module, by the sha256 of its bytes (lowercase hex).
        case webAssembly(sha256: String)
    }

    /// Names it in deployments, events and URLs.
    public let id: CustomizationID
    /// Semantic version, recorded with each deployment.
    public let version: String
    /// One line for listings.
    public let summary: String
    /// The settings a deployment supplies, checked before anything is deployed.
    public let settings: [SettingSpecification]
    /// Compiled in, or a module by sha256.
    public let origin: Origin
    /// How listings describe its hooks without running anything ("validates signup", …); nil:
    /// registered with example settings and read off (compiled ones).
    public let hookSummaries: [String]?
    /// Registers the hooks for settings already checked against `settings`; throws
    /// `SettingError` for what a specification cannot express.
    let registerHooks: @Sendable (CustomizationSettings) throws -> CustomizationHooks

    /// A definition from its parts; `registerHooks` runs when a deployment builds its host.
    public init(
        id: CustomizationID,
        version: String,
        summary: String,
        settings: [SettingSpecification],
        origin: Origin,
        hookSummaries: [String]? = nil,
        registerHooks: @escaping @Sendable (CustomizationSettings) throws -> CustomizationHooks
    ) {
        self.id = id
        self.version = version
        self.summary = summary
        self.settings = settings
        self.origin = origin
        self.hookSummaries = hookSummaries
        self.registerHooks = registerHooks
    }

    /// A compiled-in customization.
    public init(_ customization: any Customization.Type) {
        self.init(id: customization.id, version: customization.version, summary: customization.summary, settings: customization.settings, origin: .compiled) { settings in
            let instance = try customization.init(settings: settings)
            var hooks = CustomizationHooks()
            instance.register(&hooks)
            return hooks
        }
    }

    /// `id@version`, as deployments name it.
    public var reference: String { "\(id)@\(version)" }
}
