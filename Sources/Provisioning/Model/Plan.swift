public import Tenancy

/// A commercial plan: what a tenant pays for, what it may use, and how it is isolated.
public enum Plan: String, Sendable, Codable, CaseIterable, Hashable, CustomStringConvertible {
    case free
    case trial
    case pro
    case enterprise

    public var description: String { rawValue }

    /// The plan's terms, from the catalog.
    public var terms: PlanTerms { PlanCatalog.terms(of: self) }
}

/// What a plan gives.
public struct PlanTerms: Sendable, Hashable {
    /// Feature entitlements (flag key → variant), seeded when a tenant is provisioned.
    public var entitlements: [String: String]
    public var limits: TenantLimits
    /// Enterprise tenants get a database of their own.
    public var isolation: Isolation
    /// Whether a tenant may move to it without an operator (self-serve up- and downgrades).
    public var isSelfServe: Bool
    /// For the trial: how long it lasts, and the plan it falls back to when it ends.
    public var trialDays: Int?
    public var afterTrial: Plan?

    public enum Isolation: String, Sendable, Codable, Hashable {
        case pooled
        case dedicated
    }
}

/// The catalog of plans.
public enum PlanCatalog {
    public static func terms(of plan: Plan) -> PlanTerms {
        switch plan {
        case .free:
            PlanTerms(
                entitlements: ["api-access": "on", "audit-log": "off", "sso": "off"],
                limits: TenantLimits(maximumEventsPerAppend: 100, appendsPerSecond: 10, burst: 20),
                isolation: .pooled, isSelfServe: true, trialDays: nil, afterTrial: nil
            )
        case .trial:
            PlanTerms(
                entitlements: ["api-access": "on", "audit-log": "on", "sso": "off"],
                limits: TenantLimits(maximumEventsPerAppend: 500, appendsPerSecond: 50, burst: 100),
                isolation: .pooled, isSelfServe: true, trialDays: 14, afterTrial: .free
            )
        case .pro:
            PlanTerms(
                entitlements: ["api-access": "on", "audit-log": "on", "sso": "off"],
                limits: TenantLimits(maximumEventsPerAppend: 1000, appendsPerSecond: 200, burst: 400),
                isolation: .pooled, isSelfServe: true, trialDays: nil, afterTrial: nil
            )
        case .enterprise:
            PlanTerms(
                entitlements: ["api-access": "on", "audit-log": "on", "sso": "on"],
                limits: TenantLimits(maximumEventsPerAppend: 5000, appendsPerSecond: 1000, burst: 2000),
                isolation: .dedicated, isSelfServe: false, trialDays: nil, afterTrial: nil
            )
        }
    }
}
