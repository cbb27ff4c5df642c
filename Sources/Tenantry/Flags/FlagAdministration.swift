public import FeatureFlags
public import Foundation
import Provisioning

/// The flag operations the CLI and the admin API share beyond `FlagService`'s commands: the
/// choices a command makes before it calls the service (a rule's name, the variant a rollout
/// serves, the tenant an override is for) and the queries that need tenants as well as flags
/// (evaluation, stale flags). One place, so the two faces never decide differently.
public struct FlagAdministration: Sendable {
    public let flags: FlagService
    public let tenants: TenantAdministration

    public init(flags: FlagService, tenants: TenantAdministration) {
        self.flags = flags
        self.tenants = tenants
    }

    // MARK: Defining

    /// Records the flag `definition` describes (its defaults filled in, validated first).
    public func define(_ definition: FlagDefinition, by change: FlagService.Change) async throws -> Flag {
        try await flags.define(try definition.flag(), by: change)
    }

    /// The flag, archived or not; `notFound` when it was never defined.
    public func flag(_ key: FlagKey) async throws -> Flag {
        guard let flag = try await flags.load(key) else { throw FlagError.notFound(key.rawValue) }
        return flag
    }

    // MARK: Tenants as flags see them

    /// What rules see of the tenant with this slug (or id), from its record.
    public func tenantAttributes(of slugOrID: String) async throws -> TenantAttributes {
        TenantAttributes(try await tenants.tenant(slugOrID))
    }

    /// Every tenant a flag can still serve (all but offboarded and failed ones), read from the
    /// tenant streams in one pass, by slug.
    public func servedTenants() async throws -> [TenantAttributes] {
        let directory = TenantDirectory.live(store: tenants.lifecycle.store)
        try await directory.catchUp()
        return directory.state.tenants.values
            .filter { $0.status != .offboarded && $0.status != .failed }
            .map(TenantAttributes.init)
            .sorted { $0.slug < $1.slug }
    }

    /// Every tenant's slug by id, to show overrides by slug.
    public func slugs() async throws -> [UUID: String] {
        let tenants = try await tenants.list(state: nil, plan: nil)
        return Dictionary(tenants.map { ($0.id, $0.slug) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Evaluating

    /// What the tenant with this slug (or id) gets from flag `key`, with the caller's context
    /// (`targetingKey` and attributes; `tenant…` names are refused with
    /// `EvaluationContextError`). An unknown or archived flag is a result with FLAG_NOT_FOUND,
    /// as in OFREP; an unknown tenant throws.
    public func evaluate(_ key: String, tenant slugOrID: String, context caller: [String: JSONValue]) async throws -> EvaluationResult {
        let context = try EvaluationContext(tenant: try await tenantAttributes(of: slugOrID), caller: caller)
        return FlagEvaluator(catalog: try await flags.catalog()).evaluate(key, context: context)
    }

    /// How many days `staleFlags` may look back.
    public static let staleDays = 0...36_500

    /// Active flags untouched for `days` days that serve one variant to every tenant still
    /// served (see `FlagEvaluator.staleFlags`).
    public func staleFlags(days: Int, at now: Date = Date()) async throws -> [StaleFlag] {
        guard Self.staleDays.contains(days) else {
            throw FlagError.invalidDefinition("days must be between \(Self.staleDays.lowerBound) and \(Self.staleDays.upperBound), not \(days)")
        }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let tenants = try await servedTenants()
        return FlagEvaluator(catalog: try await flags.catalog()).staleFlags(untouchedSince: cutoff, tenants: tenants)
    }

    // MARK: Targeting

    /// Serves `variant` to the tenant with this slug (or id), whatever the rules say. The
    /// variant is checked first, so the refusal names the variants there are.
    public func setOverride(_ key: FlagKey, tenant slugOrID: String, variant: String, by change: FlagService.Change) async throws -> Flag {
        let current = try await flag(key)
        guard current.variants[variant] != nil else {
            throw FlagError.invalidDefinition("flag \(key): unknown variant \"\(variant)\"; it has \(current.variantNames.joined(separator: ", "))")
        }
        return try await flags.setOverride(key, tenant: try await tenants.resolve(slugOrID), variant: variant, by: change)
    }

    /// Removes the tenant's override: it is targeted like every other tenant again.
    public func clearOverride(_ key: FlagKey, tenant slugOrID: String, by change: FlagService.Change) async throws -> Flag {
        try await flags.clearOverride(key, tenant: try await tenants.resolve(slugOrID), by: change)
    }

    /// A sticky rollout of `percent` % to `variant` (default: the flag's only variant besides
    /// its default), the rest falling through.
    public func setRollout(
        _ key: FlagKey, percent: Int, variant: String?, bucketBy: String?, by change: FlagService.Change
    ) async throws -> Flag {
        let rollout = try await percentageRollout(key, percent: percent, variant: variant, bucketBy: bucketBy)
        return try await flags.setRollout(key, rollout, by: change)
    }

    /// A sticky rollout split between variants by percent; what is left of 100 falls through.
    public func setRollout(
        _ key: FlagKey, splits: [PercentSplit], bucketBy: String?, by change: FlagService.Change
    ) async throws -> Flag {
        try await flags.setRollout(key, try Self.rollout(splits: splits, bucketBy: bucketBy), by: change)
    }

    /// One variant's share of a split rollout, in percent.
    public struct PercentSplit: Sendable, Hashable {
        public var variant: String
        public var percent: Int

        public init(variant: String, percent: Int) {
            self.variant = variant
            self.percent = percent
        }
    }

    /// The rollout `splits` describe: each share 0–100 %, together at most 100 %; the rest is
    /// a share that is not rolled out.
    public static func rollout(splits: [PercentSplit], bucketBy: String?) throws(FlagError) -> Rollout {
        guard !splits.isEmpty else { throw .invalidDefinition("a split rollout needs at least one variant's share") }
        var result: [Rollout.Split] = []
        for split in splits {
            try checkPercent(split.percent)
            result.append(Rollout.Split(variant: split.variant, weight: split.percent))
        }
        let total = splits.reduce(0) { $0 + $1.percent }
        guard total <= 100 else { throw .invalidDefinition("the split percents add up to \(total), more than 100") }
        if total < 100 { result.append(Rollout.Split(variant: nil, weight: 100 - total)) }
        return Rollout(splits: result, bucketBy: bucketBy)
    }

    /// Refuses a share outside 0–100 %.
    public static func checkPercent(_ percent: Int) throws(FlagError) {
        guard (0...100).contains(percent) else {
            throw .invalidDefinition("the rollout percent must be between 0 and 100, not \(percent)")
        }
    }

    /// The variant a percentage rollout serves: the one asked for, else the flag's only
    /// variant besides its default.
    public static func defaultRolloutVariant(of flag: Flag, requested: String?) throws(FlagError) -> String {
        if let requested { return requested }
        let others = flag.variantNames.filter { $0 != flag.defaultVariant }
        if others.isEmpty {
            throw .invalidDefinition("flag \(flag.key) has no variant besides its default \(flag.defaultVariant ?? "") to roll out")
        }
        guard others.count == 1, let only = others.first else {
            throw .invalidDefinition(
                "flag \(flag.key) has variants \(others.joined(separator: ", ")) besides its default; say which variant to roll out"
            )
        }
        return only
    }

    /// Adds a rule serving `variant` when `condition` holds, named `name` (default: the first
    /// free of `r1`, `r2`, …), at `position` (1 = tried first; default: last).
    public func addRule(
        _ key: FlagKey, name: String?, condition: Condition, variant: String, position: Int?, by change: FlagService.Change
    ) async throws -> (flag: Flag, rule: TargetingRule) {
        if let position, position < 1 { throw FlagError.invalidDefinition("flag \(key): rule positions count from 1, not \(position)") }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw FlagError.invalidDefinition("flag \(key): a rule's name must not be empty")
        }
        let ruleName = if let name { name } else { Self.nextRuleName(in: try await flag(key)) }
        let rule = TargetingRule(name: ruleName, condition: condition, variant: variant)
        return (try await flags.addRule(key, rule, at: position.map { $0 - 1 }, by: change), rule)
    }

    /// `r1`, `r2`, …: the first name no rule of the flag has.
    public static func nextRuleName(in flag: Flag) -> String {
        let taken = Set(flag.rules.map(\.name))
        var number = 1
        while taken.contains("r\(number)") { number += 1 }
        return "r\(number)"
    }

    /// A change to schedule, as an operator names it.
    public enum ScheduledAction: Sendable, Hashable {
        case enable
        case disable
        /// A percentage rollout (variant: see `defaultRolloutVariant`).
        case rollout(percent: Int, variant: String?, bucketBy: String?)
        /// A rollout split between variants by percent.
        case splitRollout([PercentSplit], bucketBy: String?)
        case removeRollout
    }

    /// Schedules `action` for `time`; returns the flag and the scheduled change (its id
    /// cancels it).
    public func schedule(
        _ key: FlagKey, at time: Date, _ action: ScheduledAction, by change: FlagService.Change
    ) async throws -> (flag: Flag, scheduled: ScheduledChange) {
        let resolved: ScheduledChange.Action = switch action {
        case .enable: .enable
        case .disable: .disable
        case .rollout(let percent, let variant, let bucketBy):
            .rollout(try await percentageRollout(key, percent: percent, variant: variant, bucketBy: bucketBy))
        case .splitRollout(let splits, let bucketBy): .rollout(try Self.rollout(splits: splits, bucketBy: bucketBy))
        case .removeRollout: .rollout(nil)
        }
        let scheduled = ScheduledChange(at: time, action: resolved)
        return (try await flags.schedule(key, scheduled, by: change), scheduled)
    }

    private func percentageRollout(_ key: FlagKey, percent: Int, variant: String?, bucketBy: String?) async throws -> Rollout {
        try Self.checkPercent(percent)
        return .percentage(percent, of: try Self.defaultRolloutVariant(of: try await flag(key), requested: variant), bucketBy: bucketBy)
    }
}
