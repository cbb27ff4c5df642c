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
        let isEnabled: Bool
        switch fields["state"] {
        case .string("ENABLED")?: isEnabled = true
        case .string("DISABLED")?: isEnabled = false
        default: throw problem("state must be \"ENABLED\" or \"DISABLED\"")
        }
        guard case .object(let rawVariants)? = fields["variants"], !rawVariants.isEmpty else {
            throw problem("variants must be an object with at least one variant")
        }
        guard case .string(let defaultVariant)? = fields["defaultVariant"] else {
            throw problem("defaultVariant must name one of the variants (flagd's \"use the code default\" has no Tenantry equivalent)")
        }

        var metadata: [String: JSONValue]
        switch fields["metadata"] {
        case nil, .null?: metadata = [:]
        case .object(let members)?: metadata = members
        case let other?: throw problem("metadata must be an object, not \(other.typeName)")
        }
        var description = ""
        if case .string(let text)? = metadata[descriptionMetadataKey] {
            description = text
            metadata[descriptionMetadataKey] = nil
        }
        let type: FlagType
        switch metadata.removeValue(forKey: typeMetadataKey) {
        case nil:
            type = try inferredType(of: rawVariants, flag: rawKey)
        case .string(let name)?:
            guard let declared = FlagType(rawValue: name) else {
                throw problem(
                    "metadata \(typeMetadataKey) \"\(name)\" is not one of \(FlagType.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            type = declared
        case let other?:
            throw problem("metadata \(typeMetadataKey) must be a string, not \(other.typeName)")
        }
        let prerequisites: [Prerequisite]
        switch metadata.removeValue(forKey: prerequisitesMetadataKey) {
        case nil: prerequisites = []
        case .string(let text)?: prerequisites = try parsePrerequisites(text, flag: rawKey)
        case let other?: throw problem("metadata \(prerequisitesMetadataKey) must be a string, not \(other.typeName)")
        }

        let targeting: FlagdTargeting
        do {
            var expression = fields["targeting"]
            if let written = expression { expression = try evaluators.resolve(written) }
            targeting = try FlagdTargeting(expression, flagKey: rawKey, variants: rawVariants, defaultVariant: defaultVariant)
        } catch {
            throw problem("cannot import targeting: \(error.reason)")
        }

        let flag = Flag(
            key: key, description: description, type: type,
            // A double flag's 1 is stored as the double it is, whatever the document spelled.
            variants: rawVariants.mapValues { type.coerce($0) ?? $0 },
            defaultVariant: defaultVariant, isEnabled: isEnabled, prerequisites: prerequisites,
            overrides: targeting.overrides, rules: targeting.rules, rollout: targeting.rollout,
            entitlements: targeting.entitlements, metadata: metadata, createdAt: now
        )
        try flag.validate()
        return flag
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
