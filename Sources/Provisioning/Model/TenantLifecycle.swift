public import Foundation

/// The rules of a tenant's life as pure decisions: from the tenant's state (and what is asked),
/// the events to append, or the refusal. `TenantService` loads the state, calls one of these,
/// and appends what it returns at the loaded version; nothing here reads or writes storage, so
/// the rules are tested without a database (`TenantLifecycleTests`).
///
/// ```text
/// provisioning ─▶ active ◀─▶ suspended
///      │            │            │
///      ▼            ▼            ▼
///    failed ───▶ offboarded ◀────┘
/// ```
public enum TenantLifecycle {
    /// active → suspended.
    public static func suspend(_ state: TenantState, reason: String) throws(TenantLifecycleError) -> [TenantEvent] {
        guard state.status == .active else { throw .illegalTransition(slug: state.slug, from: state.status, action: "suspend") }
        return [.suspended(.init(reason: reason))]
    }

    /// suspended → active.
    public static func reactivate(_ state: TenantState, reason: String) throws(TenantLifecycleError) -> [TenantEvent] {
        guard state.status == .suspended else { throw .illegalTransition(slug: state.slug, from: state.status, action: "resume") }
        return [.reactivated(.init(reason: reason))]
    }

    /// Sets and removes custom attributes (any state but offboarded); a change that changes
    /// nothing is no event. Names are checked by the caller (`TenantAttributeValue.problem`).
    public static func changeAttributes(
        _ state: TenantState, set: [String: TenantAttributeValue], remove: [String]
    ) throws(TenantLifecycleError) -> [TenantEvent] {
        guard state.status != .offboarded else {
            throw .illegalTransition(slug: state.slug, from: state.status, action: "change the attributes of")
        }
        let removed = remove.filter { state.attributes[$0] != nil && set[$0] == nil }
        let changed = set.filter { state.attributes[$0.key] != $0.value }
        guard !removed.isEmpty || !changed.isEmpty else { return [] }
        return [.attributesChanged(.init(set: changed, removed: removed.sorted()))]
    }

    /// Moves an active tenant to another plan of the same isolation. With `selfServe` (the
    /// tenant asking, not an operator) only plans whose terms are self-serve are allowed: the
    /// others are sales-led. The trial is for new tenants only.
    public static func changePlan(_ state: TenantState, to plan: Plan, selfServe: Bool) throws(TenantLifecycleError) -> [TenantEvent] {
        guard state.status == .active else {
            throw .illegalTransition(slug: state.slug, from: state.status, action: "change the plan of")
        }
        guard plan != state.plan else {
            throw .planNotAllowed(slug: state.slug, plan: plan, reason: TenantLifecycleError.alreadyOnPlanReason)
        }
        guard plan != .trial else {
            throw .planNotAllowed(slug: state.slug, plan: plan, reason: "the trial is for new tenants only")
        }
        guard !selfServe || plan.terms.isSelfServe else {
            throw .planNotAllowed(slug: state.slug, plan: plan, reason: "it is sales-led: contact sales to move to it")
        }
        guard plan.terms.isolation == state.isolation else {
            throw .planNotAllowed(
                slug: state.slug, plan: plan,
                reason: "it needs \(plan.terms.isolation.rawValue) isolation and the tenant is \(state.isolation.rawValue)"
            )
        }
        return [.planChanged(.init(from: state.plan, to: plan))]
    }

    /// Ends a trial that is due at `time`: TrialExpired, then the plan the trial falls back to.
    /// No events when the tenant is not active on a trial that ended by then.
    public static func expireTrialIfDue(_ state: TenantState, at time: Date) -> [TenantEvent] {
        guard state.status == .active, state.plan == .trial, let endsAt = state.trialEndsAt, endsAt <= time else { return [] }
        let fallback = Plan.trial.terms.afterTrial ?? .free
        return [.trialExpired(.init(fallbackPlan: fallback)), .planChanged(.init(from: .trial, to: fallback))]
    }

    /// active, suspended or failed → offboarded, once its events were exported to `exportFile`.
    public static func offboard(_ state: TenantState, exportFile: String, exportedEvents: Int) throws(TenantLifecycleError) -> [TenantEvent] {
        guard canOffboard(state.status) else {
            throw .illegalTransition(slug: state.slug, from: state.status, action: "offboard")
        }
        return [.offboarded(.init(exportFile: exportFile, exportedEvents: exportedEvents))]
    }

    /// Whether a tenant in this state may be offboarded.
    public static func canOffboard(_ status: TenantStatus) -> Bool {
        [.active, .suspended, .failed].contains(status)
    }
}
