import FeatureFlags

/// What `flag import` will do with each flag of a document, checked as a whole against the
/// catalog before anything is recorded: in an order where a flag comes after the flags it
/// requires, each defined, changed or left as it is.
struct FlagImportPlan {
    enum Action: String {
        case define, change, unchanged

        /// The past tense, for what was done.
        var done: String {
            switch self {
            case .define: "defined"
            case .change: "changed"
            case .unchanged: "unchanged"
            }
        }
    }

    let steps: [(flag: Flag, action: Action)]

    /// Checks `flags` against `catalog`; throws the first `FlagError` that `FlagService.put`
    /// would throw for one of them, so a bad document records nothing.
    init(_ flags: [Flag], against catalog: FlagCatalog) throws(FlagError) {
        let imported = Dictionary(flags.map { ($0.key.rawValue, $0) }, uniquingKeysWith: { _, last in last })
        let combined = FlagCatalog(flags: catalog.flags.values.filter { imported[$0.key.rawValue] == nil } + flags)
        var steps: [(flag: Flag, action: Action)] = []
        for flag in Self.prerequisitesFirst(flags) {
            let action: Action
            if let existing = catalog.flags[flag.key.rawValue] {
                if existing.isArchived { throw .archived(flag.key.rawValue) }
                guard existing.type == flag.type else {
                    throw .invalidDefinition(
                        "flag \(flag.key) is \(existing.type.rawValue); it cannot become \(flag.type.rawValue) (archive it and define it anew)"
                    )
                }
                action = Self.differs(existing, flag) ? .change : .unchanged
            } else {
                action = .define
            }
            try combined.validatePrerequisites(of: flag)
            steps.append((flag, action))
        }
        for dependent in combined.activeFlags where imported[dependent.key.rawValue] == nil {
            for prerequisite in dependent.prerequisites {
                if let required = imported[prerequisite.flag.rawValue], required.variants[prerequisite.variant] == nil {
                    throw .invalidDefinition(
                        "flag \(dependent.key) requires variant \"\(prerequisite.variant)\" of \(required.key), which the document drops"
                    )
                }
            }
        }
        self.steps = steps
    }

    /// Whether `put` would record anything to turn `existing` into `imported`.
    private static func differs(_ existing: Flag, _ imported: Flag) -> Bool {
        existing.variants != imported.variants || existing.defaultVariant != imported.defaultVariant
            || existing.isEnabled != imported.isEnabled || existing.prerequisites != imported.prerequisites
            || existing.rules != imported.rules || existing.rollout != imported.rollout
            || existing.entitlements != imported.entitlements || existing.overrides != imported.overrides
    }

    /// The flags, each after the flags of the document it requires (cycles keep their order:
    /// the prerequisite check refuses them).
    private static func prerequisitesFirst(_ flags: [Flag]) -> [Flag] {
        let byKey = Dictionary(flags.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        var ordered: [Flag] = []
        var placed = Set<FlagKey>()
        var visiting = Set<FlagKey>()
        func place(_ flag: Flag) {
            guard !placed.contains(flag.key), visiting.insert(flag.key).inserted else { return }
            for prerequisite in flag.prerequisites {
                if let required = byKey[prerequisite.flag] { place(required) }
            }
            placed.insert(flag.key)
            ordered.append(flag)
        }
        flags.forEach(place)
        return ordered
    }
}
