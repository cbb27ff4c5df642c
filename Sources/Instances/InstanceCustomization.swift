public import Extensions

/// The customization an instance runs, as its record keeps it: the id and version a deployment
/// or a later change named and, for a WebAssembly module, the sha256 of the bytes it was checked
/// against (`sha256:<hex>`), which the instance's start-up checks the stored module against.
public struct InstanceCustomization: Sendable, Hashable, CustomStringConvertible {
    /// The customization's id (compiled in, or an installed module's).
    public var id: String
    /// Its version.
    public var version: String
    /// `sha256:<hex>` of a module's bytes; nil for a customization compiled into the release.
    public var module: String?

    /// The customization `id` at `version`, a module's when `module` is given.
    public init(id: String, version: String, module: String?) {
        self.id = id
        self.version = version
        self.module = module
    }

    /// The customization a checked host runs.
    public init(_ host: CustomizationHost) {
        self.init(id: host.id.rawValue, version: host.version, module: Self.module(of: host.origin))
    }

    /// The customization a definition describes.
    public init(_ definition: CustomizationDefinition) {
        self.init(id: definition.id.rawValue, version: definition.version, module: Self.module(of: definition.origin))
    }

    /// The customization `reference` (`id@version`) names, a module's when `module` is given.
    init(reference: String, module: String?) {
        let (id, version) = CustomizationCatalog.split(reference)
        self.init(id: id, version: version ?? "", module: module)
    }

    /// `id@version`, as deployments and changes name it.
    public var reference: String { "\(id)@\(version)" }

    /// The module's sha256 as lowercase hex (without `sha256:`), as `CustomizationResolver` takes it.
    public var moduleSHA256: String? {
        module.map { $0.hasPrefix(Self.modulePrefix) ? String($0.dropFirst(Self.modulePrefix.count)) : $0 }
    }

    /// `id@version`, with the module's sha256 when it is one.
    public var description: String { module.map { "\(reference) (module \($0))" } ?? reference }

    /// `sha256:<hex>` for a module, nil for compiled code.
    public static func module(of origin: CustomizationDefinition.Origin) -> String? {
        switch origin {
        case .compiled: nil
        case .webAssembly(let sha256): modulePrefix + sha256
        }
    }

    static let modulePrefix = "sha256:"
}
