public import Foundation

extension FlagdDocument {
    /// The flags a flagd document defines, sorted by key, each created at `now` and checked
    /// with `Flag.validate()`. Prerequisites (from `tenantry.prerequisites`) are not checked
    /// against other flags here: the caller checks them against the catalog they join
    /// (`FlagCatalog.validatePrerequisites`). Throws `invalidDefinition` naming the flag and
    /// the reason for the first thing that cannot be imported faithfully.
    public static func importFlags(_ data: Data, now: Date) throws(FlagError) -> [Flag] {
        let document: JSONValue
        do {
            document = try JSONReader.parse(data)
        } catch {
            throw .invalidDefinition("not a flagd document: \(error.description)")
        }
        guard case .object(let root) = document else {
            throw .invalidDefinition("not a flagd document: expected an object with \"flags\", not \(document.typeName)")
        }
        guard case .object(let definitions)? = root["flags"] else {
            throw .invalidDefinition("not a flagd document: it needs a \"flags\" object")
        }
        let evaluators = try FlagdEvaluators(root["$evaluators"])
        var flags: [Flag] = []
        for (key, definition) in definitions.sorted(by: { $0.key < $1.key }) {
            flags.append(try importFlag(key: key, definition: definition, evaluators: evaluators, now: now))
        }
        return flags
    }

    private static func importFlag(key rawKey: String, definition: JSONValue, evaluators: FlagdEvaluators, now: Date) throws(FlagError) -> Flag {
        let key = try FlagKey(rawKey)
        func problem(_ message: String) -> FlagError { .invalidDefinition("flag \(rawKey): \(message)") }

        guard case .object(let fields) = definition else { throw problem("a flag definition must be an object") }
        var metadata: [String: JSONValue]
        switch fields["metadata"] {
        case nil, .null?: metadata = [:]
        case .object(let members)?: metadata = members
        case let other?: throw problem("metadata must be an object, not \(other.typeName)")
        }
        // Tenantry's own export of a flag with Tenantry targeting says so with its type and no
        // fractional algorithm; every other flag keeps flagd's JsonLogic and evaluates as flagd.
        let readsAsTenantryTargeting = metadata[typeMetadataKey] != nil && metadata[fractionalMetadataKey] == nil

        let isEnabled: Bool
        switch fields["state"] {
        case .string("ENABLED")?: isEnabled = true
        case .string("DISABLED")?: isEnabled = false
        case nil where !readsAsTenantryTargeting: isEnabled = true
        default: throw problem("state must be \"ENABLED\" or \"DISABLED\"")
        }
        guard case .object(let rawVariants)? = fields["variants"], !rawVariants.isEmpty else {
            throw problem("variants must be an object with at least one variant")
        }
        // flagd reads a missing, null or empty defaultVariant as "the caller's own default".
        let defaultVariant: String?
        switch fields["defaultVariant"] {
        case nil, .null?, .string("")?: defaultVariant = nil
        case .string(let name)?: defaultVariant = name
        case let other?: throw problem("defaultVariant must name one of the variants, not \(other.typeName)")
        }

        var description = ""
        if case .string(let text)? = metadata[descriptionMetadataKey] {
            description = text
            metadata[descriptionMetadataKey] = nil
        }
        let declaredType: FlagType? = try removeChoice(typeMetadataKey, from: &metadata, flag: rawKey)
        let type: FlagType
        if let declaredType { type = declaredType } else { type = try inferredType(of: rawVariants, flag: rawKey) }
        let prerequisites: [Prerequisite]
        switch metadata.removeValue(forKey: prerequisitesMetadataKey) {
        case nil: prerequisites = []
        case .string(let text)?: prerequisites = try parsePrerequisites(text, flag: rawKey)
        case let other?: throw problem("metadata \(prerequisitesMetadataKey) must be a string, not \(other.typeName)")
        }
        let declaredFractional: FractionalAlgorithm? = try removeChoice(fractionalMetadataKey, from: &metadata, flag: rawKey)
        // A double flag's 1 is stored as the double it is, whatever the document spelled.
        let variants = rawVariants.mapValues { type.coerce($0) ?? $0 }

        let flag: Flag
        if readsAsTenantryTargeting {
            let targeting: NativeTargeting
            do {
                var expression = fields["targeting"]
                if let written = expression { expression = try evaluators.resolve(written) }
                targeting = try NativeTargeting(expression, flagKey: rawKey, variants: rawVariants, defaultVariant: defaultVariant)
            } catch {
                throw problem("cannot import targeting: \(error.reason)")
            }
            flag = Flag(
                key: key, description: description, type: type, variants: variants,
                defaultVariant: defaultVariant, isEnabled: isEnabled, prerequisites: prerequisites,
                overrides: TenantOverrides(targeting.overrides), rules: targeting.rules, rollout: targeting.rollout,
                entitlements: targeting.entitlements, metadata: metadata, createdAt: now
            )
        } else {
            var expression: JSONValue?
            switch fields["targeting"] {
            case nil, .object([:])?: expression = nil
            case let written?: expression = evaluators.substitute(written)
            }
            // Tenantry's own export of a flagd flag (it names the fractional algorithm) wrote the
            // flag's overrides as `tenant.id` branches ahead of its JsonLogic: take them back.
            var overrides: [UUID: String] = [:]
            if declaredFractional != nil, let written = expression {
                (overrides, expression) = Self.overrides(leading: written, variants: rawVariants)
            }
            let targeting: FlagdTargeting
            do {
                targeting = try FlagdTargeting(expression: expression, fractional: declaredFractional ?? .current)
            } catch {
                throw problem("cannot import targeting: \(error.description)")
            }
            flag = Flag(
                key: key, description: description, type: type, variants: variants,
                defaultVariant: defaultVariant, isEnabled: isEnabled, prerequisites: prerequisites, overrides: TenantOverrides(overrides),
                flagdTargeting: targeting, metadata: metadata, createdAt: now
            )
        }
        try flag.validate()
        return flag
    }

    /// The tenant overrides export wrote ahead of a flagd flag's JsonLogic (`{"if": [tenant.id
    /// == / in ids, "<variant>", rest]}`, the first branch naming a tenant wins) and the JsonLogic
    /// that remains. A remaining `null` is the export's end of the chain, so no targeting.
    static func overrides(leading expression: JSONValue, variants: [String: JSONValue]) -> (overrides: [UUID: String], rest: JSONValue?) {
        var overrides: [UUID: String] = [:]
        var rest = expression
        while let (name, arguments) = JSONLogic.decompose(rest), name == "if", arguments.count == 3,
            let tenants = NativeTargeting.tenants(in: arguments[0]), case .string(let variant) = arguments[1], variants[variant] != nil
        {
            for tenant in tenants where overrides[tenant] == nil { overrides[tenant] = variant }
            rest = arguments[2]
        }
        return (overrides, overrides.isEmpty || rest != .null ? rest : nil)
    }

    /// One of `Choice`'s names under `key` in a flag's metadata (`tenantry.type`,
    /// `tenantry.fractional`), taken out of it; nil when the key is absent.
    private static func removeChoice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, from metadata: inout [String: JSONValue], flag: String
    ) throws(FlagError) -> Choice? where Choice.RawValue == String {
        switch metadata.removeValue(forKey: key) {
        case nil:
            return nil
        case .string(let name)?:
            guard let choice = Choice(rawValue: name) else {
                let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidDefinition("flag \(flag): metadata \(key) \"\(name)\" is not one of \(names)")
            }
            return choice
        case let other?:
            throw .invalidDefinition("flag \(flag): metadata \(key) must be a string, not \(other.typeName)")
        }
    }

    /// flagd has no declared type: it is what the variants hold. Numbers written without a
    /// fraction or exponent are integers; a mix of integers and fractions is a double flag.
    static func inferredType(of variants: [String: JSONValue], flag: String) throws(FlagError) -> FlagType {
        var types: [FlagType: String] = [:]
        for (name, value) in variants.sorted(by: { $0.key < $1.key }) {
            let type: FlagType
            switch value {
            case .bool: type = .boolean
            case .string: type = .string
            case .integer: type = .integer
            case .double: type = .double
            case .object: type = .object
            case .null, .array:
                throw .invalidDefinition(
                    "flag \(flag): variant \"\(name)\" is \(value.typeName); flagd variants are booleans, strings, numbers or objects"
                )
            }
            if types[type] == nil { types[type] = name }
        }
        if Set(types.keys) == [.integer, .double] { return .double }
        guard types.count == 1, let type = types.keys.first else {
            let mix = types.sorted { $0.value < $1.value }.map { "\"\($0.value)\" is \($0.key.rawValue)" }.joined(separator: ", ")
            throw .invalidDefinition("flag \(flag): variants mix types (\(mix)); a flag's variants share one type")
        }
        return type
    }

    /// `flag=variant,flag=variant` (spaces around entries allowed).
    static func parsePrerequisites(_ text: String, flag: String) throws(FlagError) -> [Prerequisite] {
        var prerequisites: [Prerequisite] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidDefinition("flag \(flag): metadata \(prerequisitesMetadataKey) entry \"\(entry)\" is not flag=variant")
            }
            prerequisites.append(Prerequisite(flag: try FlagKey(parts[0]), variant: parts[1]))
        }
        return prerequisites
    }
}
