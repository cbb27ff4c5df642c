public import Foundation

/// A tenant as its events say it is: the fold of its stream.
public struct TenantState: Sendable, Hashable {
    public let id: UUID
    public private(set) var name: String
    public private(set) var slug: String
    public private(set) var email: String
    public private(set) var plan: Plan
    public private(set) var isolation: PlanTerms.Isolation
    public private(set) var clusterURL: String?
    public private(set) var status: TenantStatus
    public private(set) var trialEndsAt: Date?
    public private(set) var failureReason: String?
    public private(set) var completedSteps: [ProvisioningStep: [String: String]]
    public private(set) var apiKeys: [UUID: TenantEvent.APIKeyIssued]
    /// Custom attributes flag rules can target (`tenant.<name>`).
    public private(set) var attributes: [String: TenantAttributeValue]
    public private(set) var createdAt: Date
    public private(set) var updatedAt: Date
    /// The stream's version after the last event folded in.
    public private(set) var version: Int64

    /// The state after the first event, which must be TenantRegistered.
    init(registered: TenantEvent.Registered, at time: Date, version: Int64) {
        id = registered.tenantId
        name = registered.name
        slug = registered.slug
        email = registered.email
        plan = registered.plan
        isolation = registered.isolation
        clusterURL = registered.clusterURL
        status = .provisioning
        completedSteps = [:]
        apiKeys = [:]
        attributes = [:]
        createdAt = time
        updatedAt = time
        self.version = version
    }

    /// Folds one more event in.
    mutating func apply(_ event: TenantEvent, at time: Date, version: Int64) {
        self.version = version
        updatedAt = time
        switch event {
        case .registered:
            break
        case .stepCompleted(let completed):
            completedSteps[completed.step] = completed.details
        case .stepCompensated(let compensated):
            completedSteps[compensated.step] = nil
        case .apiKeyIssued(let key):
            apiKeys[key.keyId] = key
        case .apiKeyRevoked(let revoked):
            apiKeys[revoked.keyId] = nil
        case .provisioned(let provisioned):
            status = .active
            plan = provisioned.plan
            completedSteps[.activate] = [:]
        case .trialStarted(let trial):
            trialEndsAt = trial.endsAt
        case .provisioningFailed(let failure):
            status = .failed
            failureReason = "\(failure.step): \(failure.reason)"
        case .planChanged(let change):
            plan = change.to
            if change.to != .trial { trialEndsAt = nil }
        case .trialExpired:
            trialEndsAt = nil
        case .suspended:
            status = .suspended
        case .reactivated:
            status = .active
        case .offboarded:
            status = .offboarded
        case .attributesChanged(let change):
            for name in change.removed { attributes[name] = nil }
            attributes.merge(change.set) { _, new in new }
        }
    }
}
