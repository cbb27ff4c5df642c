public import Foundation
import EventStore
import Tenancy

/// A tenant as its events say it is: the fold of its stream.
///
/// Codable so it can be snapshotted (`TenantSnapshots`): a snapshot's type names the stored
/// properties, so adding or renaming one retires older snapshots by itself; a change to what
/// `apply` does with an event must bump `TenantSnapshots.foldRevision`.
public struct TenantState: Sendable, Hashable, Codable {
    public let id: UUID
    public private(set) var name: String
    public private(set) var slug: String
    public private(set) var email: String
    public private(set) var plan: Plan
    public private(set) var isolation: PlanTerms.Isolation
    public private(set) var clusterURL: String?
    /// The cell it was asked to live in (`--cell`); nil: the placement policy chose.
    public private(set) var requestedCell: String?
    /// The cell a pooled tenant moved to last; nil until it moved (then `cell` is where
    /// provisioning placed it).
    public private(set) var movedToCell: String?
    /// The cell a move left a copy in that is not purged yet (`tenant purge` finishes it).
    public private(set) var unpurgedCellCopy: String?
    public private(set) var status: TenantStatus
    public private(set) var trialEndsAt: Date?
    public private(set) var failureReason: String?
    /// The failed step this tenant's provisioning stopped at (nil unless `failed`).
    public private(set) var failedStep: ProvisioningStep?
    /// Compensations recorded as owed by a failure and not done yet (e.g. a dedicated database
    /// to drop on a cluster that was out of reach); the provisioning runner retries them.
    public private(set) var compensationsOwed: Set<ProvisioningStep>
    public private(set) var completedSteps: [ProvisioningStep: [String: String]]
    public private(set) var apiKeys: [UUID: TenantEvent.APIKeyIssued]
    /// When each live key was issued.
    public private(set) var apiKeyIssuedAt: [UUID: Date]
    /// When it became active (TenantProvisioned).
    public private(set) var provisionedAt: Date?
    /// When its first API key was issued (usually by provisioning).
    public private(set) var firstAPIKeyAt: Date?
    /// When a key was first issued to the tenant once it was active, i.e. one it created itself
    /// (provisioning issues the first key before the tenant is active).
    public private(set) var firstCreatedAPIKeyAt: Date?
    /// When the tenant first evaluated a flag with its API key (TenantActivated), and with
    /// which key; nil until then.
    public private(set) var activatedAt: Date?
    public private(set) var activationKeyID: UUID?
    /// When it was first active on a paid plan (provisioned on one, or moved to one); stays
    /// set after a downgrade: it records a milestone, not the current plan.
    public private(set) var firstPaidAt: Date?
    /// Custom attributes flag rules can target (`tenant.<name>`).
    public private(set) var attributes: [String: TenantAttributeValue]
    public private(set) var createdAt: Date
    public private(set) var updatedAt: Date
    /// Self-service changes counted per UTC day, for `TenantDailyCaps`.
    public private(set) var dailyChanges = TenantDailyChanges()
    /// The stream's version after the last event folded in.
    public private(set) var version: Int64
    /// The data keys that opened personal fields folded into this state (its name, email,
    /// attributes): a snapshot of it is saved only while they are live.
    public private(set) var personalDataKeys: Set<UUID> = []

    /// The cell a pooled tenant lives in, as its events say (provisioning's placement, then
    /// its moves); nil for a dedicated tenant and before its storage was allocated.
    public var cell: String? {
        guard isolation == .pooled else { return nil }
        // Provisioned before cells: in the control plane's own database, main.
        return movedToCell ?? completedSteps[.allocateStorage].map { $0["cell"] ?? CellName.main.rawValue }
    }

    /// The state after the first event, which must be TenantRegistered.
    init(registered: TenantEvent.Registered, at time: Date, version: Int64) {
        id = registered.tenantId
        name = registered.name
        slug = registered.slug
        email = registered.email
        plan = registered.plan
        isolation = registered.isolation
        clusterURL = registered.clusterURL
        requestedCell = registered.cell
        status = .provisioning
        completedSteps = [:]
        compensationsOwed = []
        apiKeys = [:]
        apiKeyIssuedAt = [:]
        attributes = [:]
        createdAt = time
        updatedAt = time
        self.version = version
    }

    /// Notes that `key` opened personal fields this state folded.
    mutating func noteOpened(by key: UUID?) {
        if let key { personalDataKeys.insert(key) }
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
            compensationsOwed.remove(compensated.step)
        case .apiKeyIssued(let key):
            apiKeys[key.keyId] = key
            apiKeyIssuedAt[key.keyId] = time
            if firstAPIKeyAt == nil { firstAPIKeyAt = time }
            if status == .active, firstCreatedAPIKeyAt == nil { firstCreatedAPIKeyAt = time }
            dailyChanges.count(.apiKey, at: time)
        case .apiKeyRevoked(let revoked):
            apiKeys[revoked.keyId] = nil
            apiKeyIssuedAt[revoked.keyId] = nil
            dailyChanges.count(.apiKey, at: time)
        case .provisioned(let provisioned):
            status = .active
            plan = provisioned.plan
            completedSteps[.activate] = [:]
            if provisionedAt == nil { provisionedAt = time }
            if provisioned.plan.isPaid, firstPaidAt == nil { firstPaidAt = time }
        case .trialStarted(let trial):
            trialEndsAt = trial.endsAt
        case .provisioningFailed(let failure):
            status = .failed
            failedStep = failure.step
            failureReason = "\(failure.step): \(failure.reason)"
            compensationsOwed = Set(failure.compensationsOwed ?? [])
        case .provisioningRetried:
            status = .provisioning
            failedStep = nil
            failureReason = nil
            // A compensation still owed means its step's work may be half there: the step runs
            // again (idempotently) instead of being undone.
            for step in compensationsOwed { completedSteps[step] = nil }
            compensationsOwed = []
        case .planChanged(let change):
            plan = change.to
            if change.to != .trial { trialEndsAt = nil }
            if change.to.isPaid, status == .active, firstPaidAt == nil { firstPaidAt = time }
            dailyChanges.count(.plan, at: time)
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
        case .movedBetweenCells(let move):
            movedToCell = move.to
            unpurgedCellCopy = move.from
        case .cellCopyPurged(let purge):
            if unpurgedCellCopy == purge.cell { unpurgedCellCopy = nil }
        case .isolationChanged(let change):
            isolation = change.to
        case .pooledEventsPurged:
            // The pooled copy was already retired (moved or offboarded): nothing changes.
            break
        case .personalDataForgotten(let forgotten):
            // What the tenant's own key sealed reads as erased from now on; a fold from the
            // start (its sealed events erased too) arrives at the same state.
            guard forgotten.scope == .tenant else { break }
            name = PersonalData.erasedText
            email = PersonalData.erasedText
            attributes = [:]
            personalDataKeys = []
        case .activated(let activation):
            if activatedAt == nil {
                activatedAt = activation.at
                activationKeyID = activation.keyId
            }
        }
    }
}
