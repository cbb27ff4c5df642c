public import Foundation

extension FlagdDocument {
    /// The flags as a flagd document: two-space indented JSON with sorted keys and a final
    /// newline, so the same flags always give the same bytes. Archived flags are left out.
    public static func export(_ flags: [Flag]) -> Data {
        Data((JSONWriter.pretty(document(for: flags)) + "\n").utf8)
    }

    /// The flags as a flagd document's JSON value (`export` writes it out).
    public static func document(for flags: [Flag]) -> JSONValue {
        var definitions: [String: JSONValue] = [:]
        for flag in flags where !flag.isArchived {
            definitions[flag.key.rawValue] = definition(of: flag)
        }
        return .object(["$schema": .string(schema), "flags": .object(definitions)])
    }

    /// One flag's flagd definition.
    public static func definition(of flag: Flag) -> JSONValue {
        var definition: [String: JSONValue] = [
            "state": .string(flag.isEnabled ? "ENABLED" : "DISABLED"),
            // Written as the flag's type so a double flag's 1 is spelled 1.0.
            "variants": .object(flag.variants.mapValues { flag.type.coerce($0) ?? $0 }),
            "metadata": .object(metadata(of: flag)),
        ]
        if let defaultVariant = flag.defaultVariant { definition["defaultVariant"] = .string(defaultVariant) }
        if let targeting = flag.flagdTargeting.map({ flagdTargeting(of: flag, $0) }) ?? targeting(of: flag) {
            definition["targeting"] = targeting
        }
        return .object(definition)
    }

    /// The flag's metadata plus what flagd has no field for: description, type, prerequisites.
    static func metadata(of flag: Flag) -> [String: JSONValue] {
        var metadata = flag.metadata
        if !flag.description.isEmpty { metadata[descriptionMetadataKey] = .string(flag.description) }
        metadata[typeMetadataKey] = .string(flag.type.rawValue)
        if let flagd = flag.flagdTargeting { metadata[fractionalMetadataKey] = .string(flagd.fractional.rawValue) }
        if !flag.prerequisites.isEmpty {
            metadata[prerequisitesMetadataKey] = .string(
                flag.prerequisites.map { "\($0.flag.rawValue)=\($0.variant)" }.joined(separator: ",")
            )
        }
        return metadata
    }

    /// A flag that evaluates as flagd: its JsonLogic as imported, behind a branch for each
    /// group of tenant overrides (which `FlagEvaluator` tries first); nil when it has neither.
    /// JSON null as the targeting stays null (flagd: the default variant, reason DEFAULT).
    static func flagdTargeting(of flag: Flag, _ flagd: FlagdTargeting) -> JSONValue? {
        var chain = flagd.expression
        for (variant, tenants) in overrideGroups(flag.overrides).reversed() {
            chain = JSONLogic.operation("if", [overrideCondition(tenants), .string(variant), chain ?? .null])
        }
        return chain
    }

    private static func overrideCondition(_ tenants: [String]) -> JSONValue {
        let tenantID = JSONLogic.variable("tenant.id")
        return tenants.count == 1
            ? JSONLogic.operation("==", [tenantID, .string(tenants[0])])
            : JSONLogic.operation("in", [tenantID, .array(tenants.map(JSONValue.string))])
    }

    /// The `if` chain that chooses what `FlagEvaluator` chooses after the kill switch and the
    /// prerequisites; nil for a flag without targeting.
    static func targeting(of flag: Flag) -> JSONValue? {
        var branches: [(condition: JSONValue, result: JSONValue)] = []
        for (variant, tenants) in overrideGroups(flag.overrides) {
            branches.append((overrideCondition(tenants), .string(variant)))
        }
        for rule in flag.rules {
            branches.append((JSONLogic.expression(for: rule.condition), .string(rule.variant)))
        }
        var otherwise: JSONValue?
        if let rollout = flag.rollout {
            let fractional = FlagdFractional.expression(for: rollout)
            if rollout.splits.contains(where: { $0.variant == nil }) || !flag.entitlements.isEmpty {
                // The fall-through share (and anything after the rollout) needs the guard; see
                // `FlagdDocument`.
                branches.append((JSONLogic.operation("!=", [fractional, .string(fallThroughVariant)]), fractional))
            } else {
                otherwise = fractional
            }
        }
        for (plan, variant) in flag.entitlements.sorted(by: { $0.key < $1.key }) {
            branches.append((JSONLogic.operation("==", [JSONLogic.variable("tenant.plan"), .string(plan)]), .string(variant)))
        }
        guard !branches.isEmpty else { return otherwise }
        // flagd's schema takes `if` with exactly three arguments, so the chain nests in the
        // else position, ending with null (flagd's "serve the default variant").
        var chain = otherwise ?? .null
        for branch in branches.reversed() {
            chain = JSONLogic.operation("if", [branch.condition, branch.result, chain])
        }
        return chain
    }

    /// Overrides grouped by variant (by variant name), each with its tenants' ids lower-cased
    /// and sorted, so a document lists a hundred beta tenants in one branch.
    private static func overrideGroups(_ overrides: TenantOverrides) -> [(variant: String, tenants: [String])] {
        Dictionary(grouping: overrides, by: \.value)
            .map { (variant: $0.key, tenants: $0.value.map { $0.key.uuidString.lowercased() }.sorted()) }
            .sorted { $0.variant < $1.variant }
    }
}
