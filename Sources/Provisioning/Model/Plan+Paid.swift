extension Plan {
    /// Whether a tenant pays for the plan: what the funnel's "paid" step and the onboarding
    /// checklist count. The trial and the free plan cost nothing.
    public var isPaid: Bool {
        switch self {
        case .pro, .enterprise: true
        case .free, .trial: false
        }
    }

    /// The plans a tenant may move to by itself, through the tenant API: self-serve, and not
    /// the trial (which is for new tenants only).
    public static var selfServeTargets: [Plan] {
        allCases.filter { $0.terms.isSelfServe && $0 != .trial }
    }
}
