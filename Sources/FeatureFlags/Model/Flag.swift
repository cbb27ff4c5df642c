public import Foundation

/// A feature flag as its events say it is (the fold of `flag-<key>`).
public struct Flag: Sendable {
    public let key: FlagKey
    public internal(set) var description: String
    public let type: FlagType
    /// Named values, each of the flag's type.
    public internal(set) var variants: [String: JSONValue] {
        didSet { compile() }
    }
    /// What evaluation serves when nothing else decides; nil defers to the caller's own default
    /// (flagd's missing `defaultVariant`).
    public internal(set) var defaultVariant: String? {
        didSet { compile() }
    }
    /// Off is the kill switch: every evaluation serves the default variant (reason DISABLED),
    /// or for a flag evaluated as flagd the caller's own default.
    public internal(set) var isEnabled: Bool {
        didSet { compile() }
    }
    public internal(set) var prerequisites: [Prerequisite] {
        didSet { compile() }
    }
    /// Per-tenant variants, by tenant id.
    public internal(set) var overrides: TenantOverrides
    public internal(set) var rules: [TargetingRule] {
        didSet { compile() }
    }
    public internal(set) var rollout: Rollout? {
        didSet { compile() }
    }
    /// Plan name → variant.
    public internal(set) var entitlements: [String: String] {
        didSet { compile() }
    }
    /// Set for a flag that evaluates exactly as flagd does (imported from a flagd document):
    /// its JsonLogic targeting takes the place of rules, rollout and entitlements.
    public internal(set) var flagdTargeting: FlagdTargeting? {
        didSet { compile() }
    }
    /// Changes waiting for their time, soonest first.
    public internal(set) var scheduledChanges: [ScheduledChange]
    /// Free-form facts about the flag (owner, ticket), primitive values only (as OFREP's
    /// flag metadata and flagd allow).
    public internal(set) var metadata: [String: JSONValue] {
        didSet { compile() }
    }
    public internal(set) var isArchived: Bool
    public let createdAt: Date
    /// When the flag last changed.
    public internal(set) var updatedAt: Date
    /// The stream version after the last event folded in.
    public internal(set) var version: Int64
    /// The flag as evaluation reads it, rebuilt whenever anything but its overrides changes.
    private(set) var compiled: CompiledFlag

    /// A new flag as `flag define` describes it, before it is validated and recorded.
    public init(
        key: FlagKey,
        description: String = "",
        type: FlagType,
        variants: [String: JSONValue],
        defaultVariant: String?,
        isEnabled: Bool = true,
        prerequisites: [Prerequisite] = [],
        overrides: TenantOverrides = [:],
        rules: [TargetingRule] = [],
        rollout: Rollout? = nil,
        entitlements: [String: String] = [:],
        flagdTargeting: FlagdTargeting? = nil,
        metadata: [String: JSONValue] = [:],
        createdAt: Date = Date()
    ) {
        self.key = key
        self.description = description
        self.type = type
        self.variants = variants
        self.defaultVariant = defaultVariant
        self.isEnabled = isEnabled
        self.prerequisites = prerequisites
        self.overrides = overrides
        self.rules = rules
        self.rollout = rollout
        self.entitlements = entitlements
        self.flagdTargeting = flagdTargeting
        self.scheduledChanges = []
        self.metadata = metadata
        self.isArchived = false
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.version = 0
        // Placeholder until every field is set; replaced at once below.
        self.compiled = CompiledFlag.empty
        self.compiled = CompiledFlag(self)
    }

    private mutating func compile() {
        compiled = CompiledFlag(self)
    }

    /// Whether any evaluation can serve anything but the default variant (else: STATIC).
    public var isStatic: Bool {
        prerequisites.isEmpty && overrides.isEmpty && rules.isEmpty && rollout == nil && entitlements.isEmpty
            && flagdTargeting?.expression == nil
    }

    /// Whether the flag evaluates as flagd does (see `flagdTargeting`).
    public var evaluatesAsFlagd: Bool { flagdTargeting != nil }

    /// Variant names in a stable order (the default first, then by name).
    public var variantNames: [String] {
        (defaultVariant.map { [$0] } ?? []) + variants.keys.filter { $0 != defaultVariant }.sorted()
    }

    // MARK: Validation

    /// Checks everything that does not need other flags; throws `invalidDefinition` naming
    /// the first problem. Prerequisites are checked against the catalog (`FlagCatalog`).
    public func validate() throws(FlagError) {
        let name = "flag \(key)"
        guard !variants.isEmpty else { throw .invalidDefinition("\(name): needs at least one variant") }
        for variantName in variants.keys.sorted() {
            guard Self.isValidVariantName(variantName) else {
                throw .invalidDefinition("\(name): invalid variant name \"\(variantName)\": use 1-64 letters, digits, '-', '_' or '.'")
            }
            guard let value = variants[variantName], type.coerce(value) != nil else {
                throw .invalidDefinition(
                    "\(name): variant \"\(variantName)\" is \(variants[variantName]?.typeName ?? "missing"), not \(type.rawValue)"
                )
            }
        }
        if let defaultVariant, variants[defaultVariant] == nil {
            throw .invalidDefinition("\(name): default variant \"\(defaultVariant)\" is not one of \(variantNames.dropFirst().joined(separator: ", "))")
        }
        if flagdTargeting != nil, !(rules.isEmpty && rollout == nil && entitlements.isEmpty) {
            throw .invalidDefinition(
                "\(name): its targeting is flagd's JsonLogic (imported), which takes the place of rules, a rollout and entitlements; import a changed document instead"
            )
        }
        try requireVariant(of: rules.map { ($0.variant, "rule \($0.name)") })
        var ruleNames = Set<String>()
        for rule in rules {
            guard !rule.name.isEmpty, ruleNames.insert(rule.name).inserted else {
                throw .invalidDefinition("\(name): rule names must be unique and not empty (\"\(rule.name)\")")
            }
            if let problem = rule.condition.problem() { throw .invalidDefinition("\(name): rule \(rule.name): \(problem)") }
        }
        if let rollout, let problem = rollout.problem(variants: variants) {
            throw .invalidDefinition("\(name): \(problem)")
        }
        for scheduled in scheduledChanges {
            if case .rollout(let rollout?) = scheduled.action, let problem = rollout.problem(variants: variants) {
                throw .invalidDefinition(
                    "\(name): the rollout scheduled for \(scheduled.at.formatted(.iso8601)) (\(scheduled.id.uuidString.lowercased())): \(problem); cancel or keep it"
                )
            }
        }
        try requireVariant(of: overrides.map { ($0.value, "override for tenant \($0.key.uuidString.lowercased())") })
        try requireVariant(of: entitlements.map { ($0.value, "entitlement of plan \($0.key)") })
        if prerequisites.contains(where: { $0.flag == key }) {
            throw .invalidDefinition("\(name): a flag cannot be its own prerequisite")
        }
        for (metadataKey, value) in metadata.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .string, .integer, .double, .bool: continue
            case .null, .array, .object:
                throw .invalidDefinition("\(name): metadata \"\(metadataKey)\" must be a string, a number or a boolean")
            }
        }
    }

    private func requireVariant(of uses: [(variant: String, use: String)]) throws(FlagError) {
        for use in uses.sorted(by: { $0.use < $1.use }) where variants[use.variant] == nil {
            throw .invalidDefinition("flag \(key): \(use.use) names unknown variant \"\(use.variant)\"")
        }
    }

    static func isValidVariantName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

extension Flag: Hashable {
    /// Every field but `compiled`, which follows from the others.
    public static func == (lhs: Flag, rhs: Flag) -> Bool {
        lhs.key == rhs.key && lhs.description == rhs.description && lhs.type == rhs.type && lhs.variants == rhs.variants
            && lhs.defaultVariant == rhs.defaultVariant && lhs.isEnabled == rhs.isEnabled && lhs.prerequisites == rhs.prerequisites
            && lhs.overrides == rhs.overrides && lhs.rules == rhs.rules && lhs.rollout == rhs.rollout
            && lhs.entitlements == rhs.entitlements && lhs.flagdTargeting == rhs.flagdTargeting
            && lhs.scheduledChanges == rhs.scheduledChanges && lhs.metadata == rhs.metadata && lhs.isArchived == rhs.isArchived
            && lhs.createdAt == rhs.createdAt && lhs.updatedAt == rhs.updatedAt && lhs.version == rhs.version
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(version)
        hasher.combine(updatedAt)
    }
}
