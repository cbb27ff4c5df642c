public import EventStore
public import Foundation
import PostgresClient

/// The flag commands and queries, shared by the CLI and the admin API: every change is decided
/// against the flag's current state, validated as a whole, and appended to `flag-<key>` with the
/// version it was decided on as the expected version (a concurrent change makes it decide again).
///
/// Changes that other flags can depend on (prerequisites, variants, archiving) are also checked
/// against the whole catalog, one at a time under an advisory lock, so two concurrent changes
/// cannot together form a prerequisite cycle.
public struct FlagService: Sendable {
    /// An event store acting as `tenantry_operator` (flags are control-plane data).
    public let store: EventLog
    let now: @Sendable () -> Date
    private let beforeAppend: BeforeAppend?
    var beforeAppendHook: BeforeAppend? { beforeAppend }

    /// Called after a change is decided and checked, just before it is appended (tests use it
    /// to hold one writer there while another runs into it).
    public typealias BeforeAppend = @Sendable (FlagKey) async throws -> Void

    public init(store: EventLog, now: @escaping @Sendable () -> Date = { Date() }, beforeAppend: BeforeAppend? = nil) {
        self.store = store
        self.now = now
        self.beforeAppend = beforeAppend
    }

    /// Who changes a flag, and why: recorded in each event's metadata.
    public struct Change: Sendable {
        public var actor: String
        public var reason: String?

        public init(actor: String, reason: String? = nil) {
            self.actor = actor
            self.reason = reason
        }

        var metadata: EventMetadata { EventMetadata(correlationID: UUID(), actor: actor, reason: reason) }
    }

    // MARK: Queries

    /// The flag as its stream says, archived or not; nil when it was never defined.
    public func load(_ key: FlagKey) async throws -> Flag? {
        try Self.fold(try await history(key))
    }

    /// The flag's recorded events, oldest first: who changed what, when and why.
    public func history(_ key: FlagKey) async throws -> [RecordedEvent] {
        try await store.readStream(FlagStreams.stream(key), tenant: EventLog.controlPlaneTenantID, limit: 1_000_000)
    }

    /// Every flag, from every committed event (not only those below the feed's horizon).
    public func catalog() async throws -> FlagCatalog {
        var catalog = FlagCatalog()
        var position: Int64 = 0
        while true {
            let events = try await store.readCategory(
                FlagStreams.category, tenant: EventLog.controlPlaneTenantID, after: position, limit: 5000
            )
            for event in events { try catalog.apply(event) }
            guard let last = events.last, events.count == 5000 else { return catalog }
            position = last.position
        }
    }

    // MARK: Defining

    /// Records a new flag (FlagDefined, then its targeting if it has any). Refuses a key in use.
    @discardableResult
    public func define(_ flag: Flag, by change: Change) async throws -> Flag {
        try flag.validate()
        return try await withCatalogLock {
            if try await load(flag.key) != nil { throw FlagError.alreadyExists(flag.key.rawValue) }
            return try await recordNew(flag, by: change)
        }
    }

    /// FlagDefined and the new flag's targeting, on a stream that must not exist yet.
    ///
    /// Checked against the flag keys (stream names, no event read) and the flags its
    /// prerequisites lead to, not the whole catalog: no flag can require a flag before it
    /// exists, so a new flag closes no cycle and lengthens no other flag's chain, and defining
    /// takes as long with a thousand flags as with none.
    private func recordNew(_ flag: Flag, by change: Change) async throws -> Flag {
        let events = Self.newFlagEvents(flag)
        let defined = try Self.applying(events, to: nil, at: now())
        let keys = try await store.streamNames(inCategory: FlagStreams.category, tenant: EventLog.controlPlaneTenantID)
            .map { String($0.rawValue.dropFirst(FlagStreams.category.count + 1)) }
        if let existing = FlagCatalog.key(among: keys, differingOnlyInCaseFrom: flag.key.rawValue) {
            throw FlagCatalog.keyDifferingOnlyInCase(flag.key, from: existing)
        }
        try await prerequisiteCatalog(of: defined).validatePrerequisites(of: defined)
        try await append(events, to: flag.key, expected: .noStream, change: change)
        return defined
    }

    /// The flags `flag`'s prerequisites lead to, as far as the evaluator follows them (one
    /// level further, for the check to see a chain that is too long).
    private func prerequisiteCatalog(of flag: Flag) async throws -> FlagCatalog {
        var loaded: [String: Flag] = [:]
        var next = flag.prerequisites.map(\.flag)
        var depth = 0
        while !next.isEmpty, depth <= FlagEvaluator.maximumPrerequisiteDepth {
            var following: [FlagKey] = []
            for key in next where loaded[key.rawValue] == nil {
                guard let required = try await load(key) else { continue }
                loaded[key.rawValue] = required
                following += required.prerequisites.map(\.flag)
            }
            next = following
            depth += 1
        }
        return FlagCatalog(flags: Array(loaded.values))
    }

    // MARK: Changing

    /// Serves `variant` to one tenant, whatever the rules say (not the kill switch).
    @discardableResult
    public func setOverride(_ key: FlagKey, tenant: UUID, variant: String, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            flag.overrides[tenant] == variant ? [] : [.overrideSet(.init(tenantId: tenant, variant: variant))]
        }
    }

    @discardableResult
    public func clearOverride(_ key: FlagKey, tenant: UUID, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            flag.overrides[tenant] == nil ? [] : [.overrideCleared(.init(tenantId: tenant))]
        }
    }

    /// Switches the flag on or off (off: every evaluation serves the default variant).
    @discardableResult
    public func setEnabled(_ key: FlagKey, _ enabled: Bool, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            flag.isEnabled == enabled ? [] : [enabled ? .enabled(.init()) : .disabled(.init())]
        }
    }

    /// Sets or (nil) removes the percentage rollout.
    @discardableResult
    public func setRollout(_ key: FlagKey, _ rollout: Rollout?, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            flag.rollout == rollout ? [] : [.rolloutChanged(.init(rollout: rollout))]
        }
    }

    /// Adds a rule at `index` (default: last). Its name must be new.
    @discardableResult
    public func addRule(_ key: FlagKey, _ rule: TargetingRule, at index: Int? = nil, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            if flag.rules.contains(where: { $0.name == rule.name }) {
                throw FlagError.invalidDefinition("flag \(key) has a rule named \"\(rule.name)\" already")
            }
            var rules = flag.rules
            let position = index ?? rules.count
            guard (0...rules.count).contains(position) else {
                throw FlagError.invalidDefinition("flag \(key): rule position \(position + 1) is past the end (it has \(rules.count) rules)")
            }
            rules.insert(rule, at: position)
            return [.rulesChanged(.init(rules: rules))]
        }
    }

    @discardableResult
    public func removeRule(_ key: FlagKey, named name: String, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            guard flag.rules.contains(where: { $0.name == name }) else {
                throw FlagError.invalidDefinition("flag \(key) has no rule named \"\(name)\"")
            }
            return [.rulesChanged(.init(rules: flag.rules.filter { $0.name != name }))]
        }
    }

    /// Gives a plan's tenants `variant` (after overrides, rules and rollout), or (nil) stops.
    @discardableResult
    public func setEntitlement(_ key: FlagKey, plan: String, variant: String?, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            var entitlements = flag.entitlements
            entitlements[plan] = variant
            return entitlements == flag.entitlements ? [] : [.entitlementsChanged(.init(entitlements: entitlements))]
        }
    }

    /// Replaces the flag's prerequisites (checked against the catalog: no cycles).
    @discardableResult
    public func setPrerequisites(_ key: FlagKey, _ prerequisites: [Prerequisite], by change: Change) async throws -> Flag {
        try await update(key, by: change, checksCatalog: true) { flag in
            flag.prerequisites == prerequisites ? [] : [.prerequisitesChanged(.init(prerequisites: prerequisites))]
        }
    }

    /// Replaces the variants and the default variant (nil: the caller's own default, for a
    /// flag evaluated as flagd); every use of a variant must still exist.
    @discardableResult
    public func setVariants(_ key: FlagKey, _ variants: [String: JSONValue], defaultVariant: String?, by change: Change) async throws -> Flag {
        try await update(key, by: change, checksCatalog: true) { flag in
            flag.variants == variants && flag.defaultVariant == defaultVariant
                ? [] : [.variantsChanged(.init(variants: variants, defaultVariant: defaultVariant))]
        }
    }

    /// Schedules a change (enable, disable, rollout) for a time; the scheduler applies it.
    @discardableResult
    public func schedule(_ key: FlagKey, _ scheduled: ScheduledChange, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            if case .rollout(let rollout?) = scheduled.action, let problem = rollout.problem(variants: flag.variants) {
                throw FlagError.invalidDefinition("flag \(key): scheduled \(problem)")
            }
            return [.changeScheduled(.init(change: scheduled))]
        }
    }

    @discardableResult
    public func cancelScheduledChange(_ key: FlagKey, id: UUID, by change: Change) async throws -> Flag {
        try await update(key, by: change) { flag in
            guard flag.scheduledChanges.contains(where: { $0.id == id }) else {
                throw FlagError.invalidDefinition("flag \(key) has no scheduled change \(id.uuidString.lowercased())")
            }
            return [.scheduledChangeCancelled(.init(id: id))]
        }
    }

    /// Archives the flag: it stops evaluating (FLAG_NOT_FOUND) and takes no more changes.
    /// Refused while another flag names it as a prerequisite.
    @discardableResult
    public func archive(_ key: FlagKey, by change: Change) async throws -> Flag {
        try await update(key, by: change, checksCatalog: true) { _ in [.archived(.init())] }
    }

    /// What happened to one due scheduled change.
    public enum ScheduledOutcome: Sendable {
        case applied
        /// It could not be applied as it stands (e.g. its variant was removed since): it is
        /// cancelled, with the reason recorded, so it does not block the others every tick.
        case cancelled(String)
    }

    /// Applies every scheduled change due at `time`, each as its own event naming the schedule.
    /// Idempotent: an applied change is no longer scheduled, and one that another scheduler
    /// applied first is not reported again. A change that cannot be applied is cancelled; a
    /// failure of the store stops the run (the next one carries on). A long-running caller
    /// passes its live catalog to find the due changes without reading every flag's events
    /// each time; the change itself is always decided on the flag's stream.
    public func applyDueChanges(
        at time: Date, knownFrom live: FlagCatalog? = nil
    ) async throws -> [(flag: FlagKey, change: ScheduledChange, outcome: ScheduledOutcome)] {
        var results: [(FlagKey, ScheduledChange, ScheduledOutcome)] = []
        let catalog = if let live { live } else { try await catalog() }
        for flag in catalog.activeFlags where flag.scheduledChanges.contains(where: { $0.at <= time }) {
            for scheduled in flag.scheduledChanges where scheduled.at <= time {
                let change = Change(actor: "system:flag-scheduler", reason: "scheduled \(scheduled.action) at \(scheduled.at.formatted(.iso8601))")
                do {
                    // Decided again after a concurrent change: what the last decision found counts
                    // (another scheduler may have applied the change meanwhile).
                    var appliesHere = false
                    _ = try await update(flag.key, by: change) { current in
                        appliesHere = current.scheduledChanges.contains(where: { $0.id == scheduled.id })
                        guard appliesHere else { return [] }
                        switch scheduled.action {
                        case .enable: return [.enabled(.init(scheduledChangeId: scheduled.id))]
                        case .disable: return [.disabled(.init(scheduledChangeId: scheduled.id))]
                        case .rollout(let rollout): return [.rolloutChanged(.init(rollout: rollout, scheduledChangeId: scheduled.id))]
                        }
                    }
                    if appliesHere { results.append((flag.key, scheduled, .applied)) }
                } catch let error as FlagError {
                    guard case .invalidDefinition(let problem) = error else { continue }
                    let cancellation = Change(actor: "system:flag-scheduler", reason: "could not apply the scheduled \(scheduled.action): \(problem)")
                    _ = try await update(flag.key, by: cancellation) { current in
                        current.scheduledChanges.contains(where: { $0.id == scheduled.id }) ? [.scheduledChangeCancelled(.init(id: scheduled.id))] : []
                    }
                    results.append((flag.key, scheduled, .cancelled(problem)))
                }
            }
        }
        return results
    }

    // MARK: Machinery

    /// Loads, decides, validates and appends; decides again after a concurrent change.
    private func update(
        _ key: FlagKey,
        by change: Change,
        checksCatalog: Bool = false,
        decide: (Flag) throws -> [FlagEvent]
    ) async throws -> Flag {
        func attempt() async throws -> Flag {
            guard let flag = try await load(key) else { throw FlagError.notFound(key.rawValue) }
            if flag.isArchived { throw FlagError.archived(key.rawValue) }
            let events = try decide(flag)
            guard !events.isEmpty else { return flag }
            let next = try Self.applying(events, to: flag, at: now())
            if checksCatalog { try await validateAgainstCatalog(next) }
            try await append(events, to: key, expected: .exact(flag.version), change: change)
            return next
        }
        for _ in 0..<8 {
            do {
                return checksCatalog ? try await withCatalogLock(attempt) : try await attempt()
            } catch EventStoreError.wrongExpectedVersion {
                continue
            }
        }
        throw FlagError.conflict("flag \(key) kept changing while this change was decided; try again")
    }

    /// Checks `flag` (as it would be) against every other flag: its prerequisites exist and
    /// form no cycle, and flags that require it still find it and the variant they require.
    private func validateAgainstCatalog(_ flag: Flag) async throws {
        let catalog = try await catalog()
        if !flag.isArchived { try catalog.validatePrerequisites(of: flag) }
        for dependent in catalog.activeFlags where dependent.key != flag.key {
            for prerequisite in dependent.prerequisites where prerequisite.flag == flag.key {
                if flag.isArchived {
                    throw FlagError.invalidDefinition("flag \(flag.key) is a prerequisite of \(dependent.key); change \(dependent.key) first")
                }
                if flag.variants[prerequisite.variant] == nil {
                    throw FlagError.invalidDefinition(
                        "flag \(dependent.key) requires variant \"\(prerequisite.variant)\" of \(flag.key); keep it or change \(dependent.key) first"
                    )
                }
            }
        }
    }

    private func append(_ events: [FlagEvent], to key: FlagKey, expected: ExpectedVersion, change: Change) async throws {
        try await beforeAppend?(key)
        let metadata = change.metadata
        try await store.append(
            try events.map { try $0.newEvent(metadata: metadata) },
            to: FlagStreams.stream(key),
            tenant: EventLog.controlPlaneTenantID,
            expectedVersion: expected
        )
    }

    /// Runs `body` holding the catalog lock (a session advisory lock on a connection of its own).
    func withCatalogLock<Value: Sendable>(_ body: () async throws -> Value) async throws -> Value {
        try await PostgresConnection.withAdvisoryLock(store.pool.configuration, namespace: Self.lockNamespace, key: "catalog", body)
    }

    /// The advisory lock namespace of catalog-wide flag checks.
    static let lockNamespace: Int32 = 727_300

    /// FlagDefined and the targeting of a new flag.
    static func newFlagEvents(_ flag: Flag) -> [FlagEvent] {
        [
            .defined(.init(
                key: flag.key, description: flag.description, type: flag.type, variants: flag.variants,
                defaultVariant: flag.defaultVariant, enabled: flag.isEnabled, metadata: flag.metadata
            )),
        ] + targetingEvents(from: nil, to: flag)
    }

    /// The events that turn `old`'s targeting (none for a new flag) into `new`'s.
    static func targetingEvents(from old: Flag?, to new: Flag) -> [FlagEvent] {
        var events: [FlagEvent] = []
        if old?.flagdTargeting != new.flagdTargeting {
            events.append(.flagdTargetingChanged(.init(targeting: new.flagdTargeting)))
        }
        if (old?.prerequisites ?? []) != new.prerequisites {
            events.append(.prerequisitesChanged(.init(prerequisites: new.prerequisites)))
        }
        if (old?.rules ?? []) != new.rules { events.append(.rulesChanged(.init(rules: new.rules))) }
        if old?.rollout != new.rollout { events.append(.rolloutChanged(.init(rollout: new.rollout))) }
        if (old?.entitlements ?? [:]) != new.entitlements {
            events.append(.entitlementsChanged(.init(entitlements: new.entitlements)))
        }
        let oldOverrides = old?.overrides ?? [:]
        for tenant in oldOverrides.tenants.sorted(by: { $0.uuidString < $1.uuidString }) where new.overrides[tenant] == nil {
            events.append(.overrideCleared(.init(tenantId: tenant)))
        }
        for (tenant, variant) in new.overrides.sorted(by: { $0.key.uuidString < $1.key.uuidString }) where oldOverrides[tenant] != variant {
            events.append(.overrideSet(.init(tenantId: tenant, variant: variant)))
        }
        return events
    }

    /// The flag after `events`, validated; throws `invalidDefinition` naming the problem.
    static func applying(_ events: [FlagEvent], to flag: Flag?, at time: Date) throws -> Flag {
        var version = flag?.version ?? 0
        var current = flag
        for event in events {
            version += 1
            if var existing = current {
                existing.apply(event, at: time, version: version)
                current = existing
            } else if case .defined(let defined) = event {
                current = Flag(defined: defined, at: time, version: version)
            }
        }
        guard let result = current else { throw FlagError.invalidDefinition("a flag's first event must define it") }
        try result.validate()
        return result
    }

    static func fold(_ events: [RecordedEvent]) throws -> Flag? {
        var folded: [(event: FlagEvent, at: Date, version: Int64)] = []
        for recorded in events {
            if let event = try FlagEvent(recorded) { folded.append((event, recorded.recordedAt, recorded.version)) }
        }
        return Flag.fold(folded)
    }
}
