public import Foundation

/// Evaluates flags against a catalog snapshot: a pure function, no I/O, no lock.
///
/// The order: kill switch → prerequisites → tenant override → rules in order → rollout →
/// plan entitlement → default variant. A flag imported from flagd has its JsonLogic targeting
/// (`FlagdTargeting`) after the override instead, and answers as flagd does.
public struct FlagEvaluator: Sendable {
    public let catalog: FlagCatalog
    /// The time flagd targeting reads as `$flagd.timestamp`.
    let clock: @Sendable () -> Date

    /// How many prerequisite links a chain may have. Definitions refuse longer chains and
    /// cycles (`FlagCatalog.validatePrerequisites`); the evaluator still stops there.
    public static let maximumPrerequisiteDepth = 16

    public init(catalog: FlagCatalog) {
        self.init(catalog: catalog, clock: { Date() })
    }

    /// An evaluator whose flagd targeting reads `clock` as `$flagd.timestamp` (tests).
    public init(catalog: FlagCatalog, clock: @escaping @Sendable () -> Date) {
        self.catalog = catalog
        self.clock = clock
    }

    /// Evaluates one flag. With `type`, a flag of another type is a TYPE_MISMATCH (as
    /// OpenFeature's typed calls expect).
    public func evaluate(_ key: String, as type: FlagType? = nil, context: EvaluationContext) -> EvaluationResult {
        guard let entry = catalog.evaluationEntry(key, tenant: context.tenantID) else {
            return EvaluationResult(flagKey: key, error: .flagNotFound, message: "flag \"\(key)\" was not found")
        }
        if let type, type != entry.flag.type {
            return EvaluationResult(
                flagKey: key, error: .typeMismatch, message: "flag \"\(key)\" is \(entry.flag.type.rawValue), not \(type.rawValue)",
                metadata: entry.flag.metadata
            )
        }
        var prerequisiteResults: [PrerequisiteVisit: EvaluationResult] = [:]
        return evaluate(entry, context: context, depth: 0, prerequisiteResults: &prerequisiteResults)
    }

    /// Evaluates every active flag, by key.
    public func evaluateAll(context: EvaluationContext) -> [EvaluationResult] {
        // One context throughout, so a prerequisite shared by many flags is evaluated once.
        var prerequisiteResults: [PrerequisiteVisit: EvaluationResult] = [:]
        let tenant = context.tenantID
        return catalog.activeKeys.compactMap { key in
            catalog.evaluationEntry(key, tenant: tenant).map { evaluate($0, context: context, depth: 0, prerequisiteResults: &prerequisiteResults) }
        }
    }

    /// Evaluates a flag; `prerequisiteResults` remembers each prerequisite's result for this
    /// context and depth, so a flag reached by several paths (a diamond) is evaluated once per
    /// depth, and the work stays linear in the flags a prerequisite graph reaches.
    private func evaluate(
        _ entry: (flag: CompiledFlag, override: String?, hasOverrides: Bool), context: EvaluationContext, depth: Int,
        prerequisiteResults: inout [PrerequisiteVisit: EvaluationResult]
    ) -> EvaluationResult {
        let flag = entry.flag
        guard flag.isEnabled else {
            // flagd (v0.16 on) answers a disabled flag with the caller's default.
            if flag.evaluatesAsFlagd { return callerDefault(flag, .disabled) }
            return serve(flag, flag.defaultServed, .disabled)
        }
        for prerequisite in flag.prerequisites {
            guard depth < Self.maximumPrerequisiteDepth,
                let required = catalog.evaluationEntry(prerequisite.flag.rawValue, tenant: context.tenantID)
            else {
                return EvaluationResult(
                    flagKey: flag.key, error: .general,
                    message: "prerequisite \"\(prerequisite.flag)\" of flag \"\(flag.key)\" cannot be evaluated",
                    metadata: flag.metadata
                )
            }
            // A prerequisite that is switched off is never met, whatever it serves (as in
            // LaunchDarkly): turning a parent off turns its dependants off too.
            guard required.flag.isEnabled else { return serve(flag, flag.defaultServed, .default) }
            let result: EvaluationResult
            let visit = PrerequisiteVisit(key: required.flag.key, depth: depth + 1)
            if let known = prerequisiteResults[visit] {
                result = known
            } else {
                result = evaluate(required, context: context, depth: depth + 1, prerequisiteResults: &prerequisiteResults)
                prerequisiteResults[visit] = result
            }
            if let error = result.errorCode {
                return EvaluationResult(
                    flagKey: flag.key, error: error,
                    message: "prerequisite \"\(prerequisite.flag)\": \(result.errorMessage ?? error.rawValue)",
                    metadata: flag.metadata
                )
            }
            if result.variant != prerequisite.variant { return serve(flag, flag.defaultServed, .default) }
        }
        if let variant = entry.override {
            return serve(flag, flag.served(variant), .targetingMatch)
        }
        let isStatic = flag.isStaticWithoutOverrides && !entry.hasOverrides
        if let flagd = flag.flagdTargeting { return evaluate(flag, flagd, isStatic: isStatic, context: context) }
        let rules = flag.rules
        for index in rules.indices where rules[index].condition.matches(context) {
            return serve(flag, rules[index].served, .targetingMatch)
        }
        if let rollout = flag.rollout {
            let bucketingValue: String?
            if let attribute = rollout.bucketByAttribute {
                bucketingValue = attribute.value(in: context).flatMap(Self.bucketingText)
            } else {
                bucketingValue = context.effectiveTargetingKey
            }
            guard let bucketingValue else {
                return EvaluationResult(
                    flagKey: flag.key, error: .targetingKeyMissing,
                    message: "flag \"\(flag.key)\" rolls out by \(rollout.bucketBy ?? "targetingKey"), which the context does not have",
                    metadata: flag.metadata
                )
            }
            if let variant = rollout.variant(for: bucketingValue) {
                return serve(flag, variant, .split)
            }
        }
        if let plan = context.tenantPlan, let variant = flag.entitlement(for: plan) {
            return serve(flag, variant, .targetingMatch)
        }
        return serve(flag, flag.defaultServed, isStatic ? .static : .default)
    }

    /// A flag imported from flagd, past its kill switch, prerequisites and override: as flagd's
    /// own evaluator answers.
    private func evaluate(_ flag: CompiledFlag, _ flagd: FlagdTargeting, isStatic: Bool, context: EvaluationContext) -> EvaluationResult {
        let scope = TargetingScope(
            flagKey: flag.key, timestamp: Int64(clock().timeIntervalSince1970.rounded(.down)), context: context
        )
        switch flagd.decide(scope) {
        case .noTargeting:
            // flagd answers DEFAULT, not STATIC, when the caller's default is what it serves.
            return serve(flag, flag.defaultServed, isStatic && flag.defaultVariant != nil ? .static : .default)
        case .noDecision:
            return serve(flag, flag.defaultServed, .default)
        case .variant(let name):
            guard let variant = flag.served(name), flag.variants[name] != nil else {
                return EvaluationResult(
                    flagKey: flag.key, error: .general,
                    message: "the targeting of flag \"\(flag.key)\" chose \"\(name)\", which is not one of its variants",
                    metadata: flag.metadata
                )
            }
            return serve(flag, variant, .targetingMatch)
        case .failed(let problem):
            return EvaluationResult(
                flagKey: flag.key, error: .parseError,
                message: "the targeting of flag \"\(flag.key)\" cannot be evaluated: \(problem)", metadata: flag.metadata
            )
        }
    }

    /// `variant` and its value, or the caller's own default when there is no variant to serve.
    private func serve(_ flag: CompiledFlag, _ variant: ServedVariant?, _ reason: EvaluationReason) -> EvaluationResult {
        guard let variant else { return callerDefault(flag, reason) }
        return EvaluationResult(flagKey: flag.key, value: variant.value, variant: variant.name, reason: reason, metadata: flag.metadata)
    }

    private func callerDefault(_ flag: CompiledFlag, _ reason: EvaluationReason) -> EvaluationResult {
        EvaluationResult(flagKey: flag.key, callerDefaultWith: reason, metadata: flag.metadata)
    }

    /// The text hashed for a bucketing attribute: strings as they are, numbers and booleans
    /// as JSON writes them; objects and lists cannot bucket.
    private static func bucketingText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer, .double, .bool: value.compactJSON
        default: nil
        }
    }

    /// A prerequisite reached at a depth. Results are remembered by both: the depth limit can
    /// make the same flag's answer differ by depth (in a catalog recorded before chains were
    /// limited), and at most 17 depths per flag keep the work linear.
    struct PrerequisiteVisit: Hashable {
        let key: String
        let depth: Int
    }
}
