public import Extensions
import Foundation

/// What a WebAssembly customization declares about itself, in its `tenantry.customization`
/// custom section (UTF-8 JSON, decoded strictly: an unknown key is refused, so a typo never
/// silently drops a hook or a limit). ABI v1 is documented in `Docs/customizations.md`.
public struct ModuleManifest: Sendable, Hashable {
    /// The ABI version this host implements.
    public static let abi = 1
    /// The custom section's name.
    public static let sectionName = "tenantry.customization"
    /// The largest manifest read.
    public static let byteLimit = 16 * 1024
    /// The setting that lists the hosts a module may call with `tenantry.http`.
    public static let allowedDomainsSetting = "allowed-domains"

    /// The commands a module may validate, by name.
    public static let validatableCommands = [SignupCommand.name, PlanChangeCommand.name, APIKeyIssueCommand.name, AttributesChangeCommand.name]

    /// A reaction the module declares: its name (its checkpoint) and the events it receives.
    public struct ReactionDeclaration: Sendable, Hashable {
        /// Its checkpoint's name (`reaction:<id>:<name>`), unique in the module.
        public let name: String
        /// The events it receives.
        public let selection: ReactionSelection
    }

    /// The hooks the module exports.
    public struct Hooks: Sendable, Hashable {
        /// Names of the commands `tenantry_validate` checks.
        public let validate: [String]
        /// What `tenantry_react` receives, by reaction.
        public let reactions: [ReactionDeclaration]
        /// Whether it exports `tenantry_flag_defaults`.
        public let flagDefaults: Bool
    }

    /// What the module asks for; the host caps each (`SandboxLimits`).
    public struct RequestedLimits: Sendable, Hashable {
        /// Fuel a call, for validators and reactions alike.
        public let fuel: UInt64?
        /// The most 64 KiB pages its memory may declare.
        public let memoryPages: Int?
        /// A call's time budget.
        public let budgetMilliseconds: Int?
    }

    /// Names the customization in deployments, events and metrics; never a compiled one's.
    public let id: CustomizationID
    /// `MAJOR.MINOR.PATCH` (`ModuleVersion`): one version names one module's bytes for good.
    public let version: String
    /// One line for listings.
    public let summary: String
    /// The settings a deployment supplies, checked as a compiled customization's are.
    public let settings: [SettingSpecification]
    /// The hooks it exports.
    public let hooks: Hooks
    /// What it asks for, capped by `SandboxLimits`.
    public let limits: RequestedLimits

    /// Decodes and checks `bytes`; the error names what is wrong.
    public init(json bytes: [UInt8]) throws(ModuleRefusal) {
        guard bytes.count <= Self.byteLimit else {
            throw ModuleRefusal("the manifest is \(bytes.count) bytes; at most \(Self.byteLimit)")
        }
        guard String(validating: bytes, as: UTF8.self) != nil,
            case .object(let object)? = ModuleJSON.decode(bytes)
        else {
            throw ModuleRefusal("the manifest is not a JSON object")
        }
        var reader = ManifestReader(object: object, path: "manifest")
        let abi = try reader.integer("abi")
        guard abi == Self.abi else { throw ModuleRefusal("the manifest's abi is \(abi); this host runs abi \(Self.abi)") }
        let idText = try reader.string("id")
        guard let id = CustomizationID(idText) else {
            throw ModuleRefusal("the manifest's id '\(idText.prefix(60))' is not an id: 2 to 40 lowercase letters, digits and hyphens")
        }
        self.id = id
        version = try reader.string("version")
        guard ModuleVersion(version) != nil else {
            throw ModuleRefusal("the manifest's version '\(version.prefix(40))' is not a semantic version such as 1.0.0")
        }
        summary = try reader.string("summary")
        guard (1...200).contains(summary.count), !summary.contains(where: \.isNewline) else {
            throw ModuleRefusal("the manifest's summary must be one line of 1 to 200 characters")
        }
        var settings: [SettingSpecification] = []
        for setting in try reader.objects("settings", required: false) {
            settings.append(try Self.setting(setting))
        }
        self.settings = settings
        let names = settings.map(\.name)
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw ModuleRefusal("the manifest declares setting '\(twice)' twice")
        }
        var hooksReader = try reader.object("hooks")
        let validate = try hooksReader.strings("validate", required: false)
        if let unknown = validate.first(where: { !Self.validatableCommands.contains($0) }) {
            throw ModuleRefusal("hooks.validate names '\(unknown.prefix(40))', which is no command; one of \(Self.validatableCommands.joined(separator: ", "))")
        }
        if Set(validate).count != validate.count {
            throw ModuleRefusal("hooks.validate names a command twice")
        }
        var reactions: [ReactionDeclaration] = []
        for reaction in try hooksReader.objects("reactions", required: false) {
            let declared = try Self.reaction(reaction)
            // A reaction's name is its checkpoint: two of one name would move each other's.
            guard !reactions.contains(where: { $0.name == declared.name }) else {
                throw ModuleRefusal("hooks.reactions declares '\(declared.name)' twice")
            }
            reactions.append(declared)
        }
        hooks = Hooks(validate: validate, reactions: reactions, flagDefaults: try hooksReader.boolean("flagDefaults", required: false) ?? false)
        try hooksReader.finish()
        if var limitsReader = try reader.object("limits", required: false) {
            limits = RequestedLimits(
                fuel: try limitsReader.integer("fuel", required: false).map { UInt64(max($0, 0)) },
                memoryPages: try limitsReader.integer("memoryPages", required: false),
                budgetMilliseconds: try limitsReader.integer("budgetMilliseconds", required: false))
            try limitsReader.finish()
        } else {
            limits = RequestedLimits(fuel: nil, memoryPages: nil, budgetMilliseconds: nil)
        }
        try reader.finish()
        guard !hooks.validate.isEmpty || !hooks.reactions.isEmpty || hooks.flagDefaults else {
            throw ModuleRefusal("the manifest declares no hooks: validate, reactions or flagDefaults")
        }
    }

    private static func setting(_ reader: ManifestReader) throws(ModuleRefusal) -> SettingSpecification {
        var reader = reader
        let name = try reader.string("name")
        guard CustomizationID.isValid(name) else {
            throw ModuleRefusal("setting name '\(name.prefix(40))' must be 2 to 40 lowercase letters, digits and hyphens")
        }
        let kindName = try reader.string("kind")
        guard let kind = SettingSpecification.Kind(rawValue: kindName) else {
            let kinds = SettingSpecification.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModuleRefusal("setting '\(name)' has kind '\(kindName.prefix(20))'; one of \(kinds)")
        }
        let specification = SettingSpecification(
            name: name, kind: kind, summary: try reader.string("summary"),
            defaultValue: try reader.string("default", required: false),
            isSecret: try reader.boolean("secret", required: false) ?? false)
        try reader.finish()
        if let defaultValue = specification.defaultValue {
            do {
                _ = try CustomizationSettings.validate([name: defaultValue], against: [specification], for: "manifest")
            } catch {
                throw ModuleRefusal("setting '\(name)' has a default that is not of kind \(kind.rawValue)")
            }
        }
        return specification
    }

    private static func reaction(_ reader: ManifestReader) throws(ModuleRefusal) -> ReactionDeclaration {
        var reader = reader
        let name = try reader.string("name")
        guard CustomizationID.isValid(name) else {
            throw ModuleRefusal("reaction name '\(name.prefix(40))' must be 2 to 40 lowercase letters, digits and hyphens")
        }
        let categories = try reader.strings("categories", required: false, nullable: true)
        let eventTypes = try reader.strings("eventTypes", required: false, nullable: true)
        try reader.finish()
        return ReactionDeclaration(
            name: name,
            selection: ReactionSelection(categories: categories.isEmpty ? nil : categories, eventTypes: eventTypes.isEmpty ? nil : Set(eventTypes)))
    }
}

/// Reads one JSON object of the manifest, member by member, and refuses members it was not
/// asked for (`finish`).
private struct ManifestReader {
    let object: [String: ModuleJSON]
    let path: String
    private var read: Set<String> = []

    init(object: [String: ModuleJSON], path: String) {
        self.object = object
        self.path = path
    }

    mutating func string(_ key: String) throws(ModuleRefusal) -> String {
        guard let value = try string(key, required: true) else { throw missing(key) }
        return value
    }

    mutating func string(_ key: String, required: Bool) throws(ModuleRefusal) -> String? {
        switch try take(key, required: required) {
        case nil: return nil
        case .string(let text)?: return text
        default: throw ModuleRefusal("\(path).\(key) must be a string")
        }
    }

    mutating func integer(_ key: String) throws(ModuleRefusal) -> Int {
        guard let value = try integer(key, required: true) else { throw missing(key) }
        return value
    }

    mutating func integer(_ key: String, required: Bool) throws(ModuleRefusal) -> Int? {
        switch try take(key, required: required) {
        case nil: return nil
        case .integer(let number)?: return Int(number)
        default: throw ModuleRefusal("\(path).\(key) must be a whole number")
        }
    }

    mutating func boolean(_ key: String, required: Bool) throws(ModuleRefusal) -> Bool? {
        switch try take(key, required: required) {
        case nil: return nil
        case .boolean(let value)?: return value
        default: throw ModuleRefusal("\(path).\(key) must be true or false")
        }
    }

    mutating func strings(_ key: String, required: Bool, nullable: Bool = false) throws(ModuleRefusal) -> [String] {
        switch try take(key, required: required) {
        case nil: return []
        case .null? where nullable: return []
        case .list(let values)?:
            var texts: [String] = []
            for value in values {
                guard case .string(let text) = value else { throw ModuleRefusal("\(path).\(key) must be a list of strings") }
                texts.append(text)
            }
            return texts
        default: throw ModuleRefusal("\(path).\(key) must be a list of strings")
        }
    }

    mutating func object(_ key: String) throws(ModuleRefusal) -> ManifestReader {
        guard let value = try object(key, required: true) else { throw missing(key) }
        return value
    }

    mutating func object(_ key: String, required: Bool) throws(ModuleRefusal) -> ManifestReader? {
        switch try take(key, required: required) {
        case nil: return nil
        case .object(let members)?: return ManifestReader(object: members, path: "\(path).\(key)")
        default: throw ModuleRefusal("\(path).\(key) must be an object")
        }
    }

    mutating func objects(_ key: String, required: Bool) throws(ModuleRefusal) -> [ManifestReader] {
        switch try take(key, required: required) {
        case nil: return []
        case .list(let values)?:
            var readers: [ManifestReader] = []
            for (index, value) in values.enumerated() {
                guard case .object(let members) = value else { throw ModuleRefusal("\(path).\(key) must be a list of objects") }
                readers.append(ManifestReader(object: members, path: "\(path).\(key)[\(index)]"))
            }
            return readers
        default: throw ModuleRefusal("\(path).\(key) must be a list of objects")
        }
    }

    /// Refuses the members no one asked for.
    func finish() throws(ModuleRefusal) {
        if let unknown = Set(object.keys).subtracting(read).sorted().first {
            throw ModuleRefusal("\(path) has an unknown member '\(unknown.prefix(40))'")
        }
    }

    /// The member `key`: nil when absent and not required (JSON null counts as absent only
    /// where a caller says so).
    private mutating func take(_ key: String, required: Bool) throws(ModuleRefusal) -> ModuleJSON? {
        read.insert(key)
        guard let value = object[key] else {
            if required { throw missing(key) }
            return nil
        }
        return value
    }

    private func missing(_ key: String) -> ModuleRefusal {
        ModuleRefusal("\(path).\(key) is missing")
    }
}
