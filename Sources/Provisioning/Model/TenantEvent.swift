public import Foundation

/// Everything that happens to a tenant, recorded on its stream `tenant-<id>` (under the
/// control-plane tenant). The cases' names are the stored event types.
public enum TenantEvent: Sendable, Hashable {
    case registered(Registered)
    case stepCompleted(StepCompleted)
    case stepCompensated(StepCompensated)
    case apiKeyIssued(APIKeyIssued)
    case apiKeyRevoked(APIKeyRevoked)
    case provisioned(Provisioned)
    case trialStarted(TrialStarted)
    case provisioningFailed(ProvisioningFailed)
    case provisioningRetried(ProvisioningRetried)
    case planChanged(PlanChanged)
    case trialExpired(TrialExpired)
    case suspended(Suspended)
    case reactivated(Reactivated)
    case offboarded(Offboarded)
    case attributesChanged(AttributesChanged)
    case activated(Activated)
    case isolationChanged(IsolationChanged)
    case movedBetweenCells(MovedBetweenCells)
    case cellCopyPurged(CellCopyPurged)
    /// Recorded by the database itself (`tenantry.purge_tenant`), never appended by a service.
    case pooledEventsPurged(PooledEventsPurged)
    /// Recorded by the database itself (`tenantry.forget_personal_data`), never appended by a
    /// service.
    case personalDataForgotten(PersonalDataForgotten)

    public struct Registered: Codable, Sendable, Hashable {
        public var tenantId: UUID
        public var name: String
        public var slug: String
        public var email: String
        public var plan: Plan
        public var isolation: PlanTerms.Isolation
        /// A libpq URL of the cluster for a dedicated database; nil for this cluster.
        public var clusterURL: String?
        /// The cell a pooled tenant was asked to live in (`tenant create --cell`); nil lets the
        /// placement policy choose. Absent in events written before cells.
        public var cell: String?
    }

    public struct StepCompleted: Codable, Sendable, Hashable {
        public var step: ProvisioningStep
        /// What the step produced (e.g. the database name, the entitlements), for the record.
        public var details: [String: String]
    }

    public struct StepCompensated: Codable, Sendable, Hashable {
        public var step: ProvisioningStep
    }

    public struct APIKeyIssued: Codable, Sendable, Hashable {
        public var keyId: UUID
        /// The key's first characters, to recognise it in listings.
        public var prefix: String
        /// SHA-256 of the whole key, hex; the key itself is never stored.
        public var sha256: String
        /// What the tenant calls the key ("ci", "production"); absent in events written
        /// before keys had labels, and for the key provisioning issues.
        public var label: String?
        /// What the key may do; absent in events written before keys had scopes (such a key is
        /// `APIKeyScope.beforeScopes`: read it through `effectiveScope`).
        public var scope: APIKeyScope?

        /// The key's scope, `APIKeyScope.beforeScopes` for a key issued before scopes.
        public var effectiveScope: APIKeyScope { scope ?? .beforeScopes }
    }

    public struct APIKeyRevoked: Codable, Sendable, Hashable {
        public var keyId: UUID
    }

    public struct Provisioned: Codable, Sendable, Hashable {
        public var plan: Plan
    }

    public struct TrialStarted: Codable, Sendable, Hashable {
        public var endsAt: Date
    }

    /// Recorded as soon as a step failed, before compensations that reach outside the event
    /// store run (dropping a dedicated database): those are listed in `compensationsOwed` and
    /// each is done once its `ProvisioningStepCompensated` follows. A compensation that cannot
    /// run yet (the tenant's cluster out of reach) stays owed; the provisioning runner retries it.
    public struct ProvisioningFailed: Codable, Sendable, Hashable {
        public var step: ProvisioningStep
        public var reason: String
        /// Absent in events written before failures were recorded first (then every
        /// compensation was done before the failure was recorded).
        public var compensationsOwed: [ProvisioningStep]?
    }

    /// An operator retried a failed provisioning (`tenant retry`): the tenant is
    /// `provisioning` again and the saga runs from the first step not recorded. `step` and
    /// `reason` are the failure retried.
    public struct ProvisioningRetried: Codable, Sendable, Hashable {
        public var step: ProvisioningStep
        public var reason: String
    }

    public struct PlanChanged: Codable, Sendable, Hashable {
        public var from: Plan
        public var to: Plan
    }

    public struct TrialExpired: Codable, Sendable, Hashable {
        public var fallbackPlan: Plan
    }

    public struct Suspended: Codable, Sendable, Hashable {
        public var reason: String
    }

    public struct Reactivated: Codable, Sendable, Hashable {
        public var reason: String
    }

    public struct Offboarded: Codable, Sendable, Hashable {
        public var exportFile: String
        public var exportedEvents: Int
    }

    /// Custom attributes set (added or replaced) and removed.
    public struct AttributesChanged: Codable, Sendable, Hashable {
        public var set: [String: TenantAttributeValue]
        public var removed: [String]
    }

    /// The tenant's data moved to another isolation: a pooled tenant given a database of its
    /// own (for a single-tenant instance), its events copied there and verified.
    public struct IsolationChanged: Codable, Sendable, Hashable {
        public var from: PlanTerms.Isolation
        public var to: PlanTerms.Isolation
        /// The dedicated database, when `to` is dedicated.
        public var database: String?
        /// Events copied from the pooled database and verified by count and checksum.
        public var copiedEvents: Int
    }

    /// A pooled tenant moved to another cell online: its events copied and verified, writes
    /// fenced for `fencedMilliseconds` while the last ones were copied, the placement switched.
    public struct MovedBetweenCells: Codable, Sendable, Hashable {
        public var from: String
        public var to: String
        /// Events in the copy, verified by count and checksum.
        public var copiedEvents: Int64
        /// How long appends of the tenant were refused (to be retried) in the old cell.
        public var fencedMilliseconds: Int64
    }

    /// The old cell's copy of a tenant that moved was deleted, after it was verified against
    /// the copy in the new cell. Who and why are in the event's metadata.
    public struct CellCopyPurged: Codable, Sendable, Hashable {
        public var cell: String
        public var events: Int64
        public var streams: Int64
        public var snapshots: Int64
        public var keys: Int64
    }

    /// The tenant's rows in the pooled database (events, streams, snapshots) were deleted, after
    /// its copy had moved to a database of its own or been exported at offboarding and verified
    /// by count and checksum. Who and why are in the event's metadata.
    public struct PooledEventsPurged: Codable, Sendable, Hashable {
        public enum Basis: String, Codable, Sendable, Hashable {
            /// The tenant moved to a database of its own.
            case moved
            /// The tenant was offboarded with an export.
            case offboarded
        }

        public var events: Int64
        public var streams: Int64
        public var snapshots: Int64
        /// The SHA-256 the deleted events were verified against (`TenantEventsFingerprint`).
        public var checksum: String
        public var basis: Basis
    }

    /// Personal data keys of the tenant were destroyed (crypto-shredding): every field sealed
    /// with them now reads as erased, in every read, projection, export and replay. Who and why
    /// are in the event's metadata; the data subject, which may itself be personal, is not kept.
    public struct PersonalDataForgotten: Codable, Sendable, Hashable {
        public enum Scope: String, Codable, Sendable, Hashable {
            /// Every key of the tenant: its own (the registration's name and email, its custom
            /// attributes) and its data subjects'.
            case tenant
            /// The keys of one of its data subjects.
            case subject
        }

        public var scope: Scope
        /// How many keys were destroyed (0 when they already were).
        public var keys: Int64
    }

    /// The tenant's first successful flag evaluation with one of its API keys: the moment it
    /// got value from the product. Recorded once per tenant.
    public struct Activated: Codable, Sendable, Hashable {
        /// When the evaluation was answered (the event's own `recordedAt` is when it was written).
        public var at: Date
        public var keyId: UUID
    }

    /// The stored event type.
    public var type: String {
        switch self {
        case .registered: "TenantRegistered"
        case .stepCompleted: "ProvisioningStepCompleted"
        case .stepCompensated: "ProvisioningStepCompensated"
        case .apiKeyIssued: "APIKeyIssued"
        case .apiKeyRevoked: "APIKeyRevoked"
        case .provisioned: "TenantProvisioned"
        case .trialStarted: "TrialStarted"
        case .provisioningFailed: "TenantProvisioningFailed"
        case .provisioningRetried: "TenantProvisioningRetried"
        case .planChanged: "PlanChanged"
        case .trialExpired: "TrialExpired"
        case .suspended: "TenantSuspended"
        case .reactivated: "TenantReactivated"
        case .offboarded: "TenantOffboarded"
        case .attributesChanged: "TenantAttributesChanged"
        case .activated: "TenantActivated"
        case .isolationChanged: "TenantIsolationChanged"
        case .movedBetweenCells: "TenantMovedBetweenCells"
        case .cellCopyPurged: "TenantCellCopyPurged"
        case .pooledEventsPurged: "TenantPooledEventsPurged"
        case .personalDataForgotten: "TenantPersonalDataForgotten"
        }
    }
}
