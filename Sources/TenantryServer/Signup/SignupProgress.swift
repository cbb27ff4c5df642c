public import FeatureFlags
public import Foundation
public import Provisioning

/// Where one signup is, as its client sees it (`GET /v1/signup/{id}` and the status page):
/// the provisioning steps done and pending, the outcome, the first API key (in exactly one
/// answer), and the onboarding checklist.
public struct SignupProgress: Sendable, Hashable {
    public let tenantID: UUID
    public let slug: String
    public let organization: String
    /// `provisioning` until this server's run of the signup ended, then the tenant's state:
    /// `active` or `failed` (or, should an operator have acted since, `suspended`/`offboarded`).
    /// A tenant the directory already shows active is still `provisioning` here until its key
    /// is ready to show, so a client that stops polling at `active` gets the key.
    public let status: String
    /// Every step, in `ProvisioningStep` order, and whether it is done.
    public let steps: [Step]
    /// Why provisioning failed (when `status` is `failed`).
    public let failureReason: String?
    /// The tenant's first API key: only in the first answer after the signup is active.
    public let apiKey: String?
    /// Whether the first key has been shown (in this answer or an earlier one).
    public let apiKeyShown: Bool
    /// True when the signup is active but its first key cannot be shown here: the run that
    /// issued it was not this process's (a retry after a restart). An operator issues a new one.
    public let apiKeyUnavailable: Bool
    /// The tenant's onboarding checklist (`OnboardingChecklist`, the same the tenant API shows).
    public let onboarding: OnboardingChecklist

    public struct Step: Sendable, Hashable {
        public let step: ProvisioningStep
        public let done: Bool

        /// How the page names the step.
        public var title: String {
            switch step {
            case .allocateStorage: "Allocate storage"
            case .seedEntitlements: "Set up your plan"
            case .issueAPIKey: "Issue your first API key"
            case .activate: "Activate your workspace"
            }
        }
    }

    public var isFinished: Bool { status != "provisioning" }

    init(
        tenant: TenantState, runEnded: Bool, apiKey: String?, apiKeyShown: Bool
    ) {
        tenantID = tenant.id
        slug = tenant.slug
        organization = tenant.name
        status = runEnded ? tenant.status.rawValue : TenantStatus.provisioning.rawValue
        steps = ProvisioningStep.allCases.map { Step(step: $0, done: tenant.completedSteps[$0] != nil) }
        failureReason = tenant.status == .failed ? tenant.failureReason : nil
        self.apiKey = apiKey
        self.apiKeyShown = apiKeyShown
        apiKeyUnavailable = runEnded && tenant.status == .active && !apiKeyShown
        onboarding = OnboardingChecklist(state: tenant)
    }

    /// The JSON body of `GET /v1/signup/{id}`.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "tenantId": .string(tenantID.uuidString.lowercased()),
            "slug": .string(slug),
            "organization": .string(organization),
            "status": .string(status),
            "steps": .array(steps.map { .object(["step": .string($0.step.rawValue), "title": .string($0.title), "done": .bool($0.done)]) }),
            "apiKeyShown": .bool(apiKeyShown),
            // The tenant API's shape (`{id, title, done, doneAt}`): one checklist, one format.
            "onboarding": TenantRepresentation.onboarding(onboarding),
        ]
        if let failureReason { members["failureReason"] = .string(failureReason) }
        if let apiKey { members["apiKey"] = .string(apiKey) }
        if apiKeyUnavailable { members["apiKeyUnavailable"] = .bool(true) }
        return .object(members)
    }
}
