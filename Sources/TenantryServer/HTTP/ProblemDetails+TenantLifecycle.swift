import Hummingbird
public import Provisioning

/// The problem types of `TenantLifecycleError`'s refusals, one constructor and one set of
/// extension members per type, whichever API (tenant or admin) refused.
extension ProblemDetails {
    /// 409 `invalid-transition`: the tenant's state does not allow the action (suspending a
    /// suspended tenant; a tenant suspended while its own request ran). Members: `tenant` (its
    /// slug), `state` (the state it is in), `action`.
    public static func invalidTransition(tenant: String, state: TenantStatus, action: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "invalid-transition", title: "Invalid transition", status: .conflict,
            detail: TenantLifecycleError.illegalTransition(slug: tenant, from: state, action: action).description,
            extensions: ["tenant": .string(tenant), "state": .string(state.rawValue), "action": .string(action)]
        )
    }

    /// 422 `plan-not-allowed`: the tenant cannot move to that plan (the trial, a sales-led plan,
    /// another isolation, …). Members: `tenant` (its slug), `plan`, `reason`, and
    /// `selfServePlans`, the plans a tenant may choose by itself.
    public static func planNotAllowed(tenant: String, plan: Plan, reason: String) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "plan-not-allowed", title: "Plan not allowed", status: .unprocessableContent,
            detail: TenantLifecycleError.planNotAllowed(slug: tenant, plan: plan, reason: reason).description,
            extensions: [
                "tenant": .string(tenant), "plan": .string(plan.rawValue), "reason": .string(reason),
                "selfServePlans": .array(Plan.selfServeTargets.map { .string($0.rawValue) }),
            ]
        )
    }

    /// 409 `plan-unchanged`: the tenant is on that plan already, so there is nothing to change
    /// (the same answer in the tenant and the admin API). Members: `tenant` (its slug), `plan`.
    public static func planUnchanged(tenant: String, plan: Plan) -> ProblemDetails {
        ProblemDetails(
            typeURI: typeBase + "plan-unchanged", title: "Plan unchanged", status: .conflict,
            detail: "tenant \(tenant) is on plan \(plan) already",
            extensions: ["tenant": .string(tenant), "plan": .string(plan.rawValue)]
        )
    }
}
