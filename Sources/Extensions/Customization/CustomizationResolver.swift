/// Where deployments find their customization: the ones compiled into the release and, where
/// the composition root adds them, WebAssembly modules installed without one.
public protocol CustomizationResolver: Sendable {
    /// The customization `reference` names: `ID` (compiled in, or the highest version
    /// installed) or `ID@VERSION`. Throws `UnknownCustomization` listing what there is.
    func definition(_ reference: String) async throws -> CustomizationDefinition

    /// The customization a deployment recorded: its id, version and, for a module, the sha256
    /// of the bytes it was deployed with (a module whose bytes differ is refused).
    func definition(id: String, version: String, moduleSHA256: String?) async throws -> CustomizationDefinition

    /// Every customization deployable, compiled ones first, then modules by id and version.
    func all() async throws -> [CustomizationDefinition]
}

extension CustomizationCatalog: CustomizationResolver {
    public func definition(_ reference: String) async throws -> CustomizationDefinition {
        let (name, version) = Self.split(reference)
        let found = CustomizationDefinition(try customization(named: name))
        if let version, version != found.version {
            throw UnknownCustomization(name: reference, known: "\(found.reference) (compiled into this release)")
        }
        return found
    }

    public func definition(id: String, version: String, moduleSHA256: String?) async throws -> CustomizationDefinition {
        guard moduleSHA256 == nil else {
            throw UnknownCustomization(name: "\(id)@\(version)", known: "only compiled-in customizations here")
        }
        return CustomizationDefinition(try customization(named: id))
    }

    public func all() async throws -> [CustomizationDefinition] {
        customizations.map(CustomizationDefinition.init)
    }

    /// `ID@VERSION` into its parts.
    public static func split(_ reference: String) -> (id: String, version: String?) {
        guard let at = reference.firstIndex(of: "@") else { return (reference, nil) }
        return (String(reference[..<at]), String(reference[reference.index(after: at)...]))
    }
}
