public import Foundation

/// A tenant's onboarding progress: the steps from signup to a paying, active customer, each
/// done or not, and when. A pure projection of the tenant's events (through its `TenantState`),
/// so it needs no storage of its own and is the same wherever it is shown: the tenant API's
/// `GET /v1/tenant`, the signup page.
///
/// ```swift
/// let checklist = OnboardingChecklist(state: tenant)
/// for item in checklist.items { print(item.done ? "✓" : " ", item.title) }
/// checklist.next?.title   // "Evaluate your first flag"
/// ```
public struct OnboardingChecklist: Sendable, Hashable {
    /// The steps, in the order a tenant is expected to take them. The raw values are stable ids
    /// clients may switch on; titles may change.
    public enum Step: String, Sendable, Hashable, CaseIterable, Codable {
        /// The account exists and is provisioned (TenantProvisioned).
        case accountCreated = "account-created"
        /// The tenant has had an API key (provisioning issues the first one).
        case firstAPIKey = "first-api-key"
        /// The tenant created a key of its own once active (through the tenant API).
        case createAPIKey = "create-api-key"
        /// The first successful flag evaluation with its API key (TenantActivated): the moment
        /// the product paid off.
        case firstFlagEvaluated = "first-flag-evaluated"
        /// The tenant moved to (or started on) a paid plan.
        case upgraded = "upgraded"

        /// What the step asks of the tenant, for people.
        public var title: String {
            switch self {
            case .accountCreated: "Create your account"
            case .firstAPIKey: "Get your first API key"
            case .createAPIKey: "Create an API key for your application"
            case .firstFlagEvaluated: "Evaluate your first flag"
            case .upgraded: "Choose a paid plan"
            }
        }
    }

    /// One step and whether (and when) the tenant did it.
    public struct Item: Sendable, Hashable, Identifiable {
        public let step: Step
        /// When the step was done; nil while it is not.
        public let doneAt: Date?

        /// The step's stable id (`account-created`, …).
        public var id: String { step.rawValue }
        public var title: String { step.title }
        public var done: Bool { doneAt != nil }
    }

    /// Every step, in order (`Step.allCases`).
    public let items: [Item]

    /// The checklist of a tenant as its events say.
    public init(state: TenantState) {
        items = Step.allCases.map { step in
            let doneAt: Date? = switch step {
            case .accountCreated: state.provisionedAt
            case .firstAPIKey: state.firstAPIKeyAt
            case .createAPIKey: state.firstCreatedAPIKeyAt
            case .firstFlagEvaluated: state.activatedAt
            case .upgraded: state.firstPaidAt
            }
            return Item(step: step, doneAt: doneAt)
        }
    }

    /// The item of a step.
    public subscript(step: Step) -> Item {
        // `items` holds every step (see `init`), so the lookup always finds one.
        items.first { $0.step == step } ?? Item(step: step, doneAt: nil)
    }

    /// How many steps are done.
    public var completedCount: Int { items.filter(\.done).count }

    /// Whether every step is done.
    public var isComplete: Bool { items.allSatisfy(\.done) }

    /// The first step not done yet, in order; nil when all are.
    public var next: Item? { items.first { !$0.done } }
}
