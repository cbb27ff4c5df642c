public import Foundation

/// Everything that happens to a flag, recorded on its stream `flag-<key>` under the
/// control-plane tenant, with who did it and why in each event's metadata.
public enum FlagEvent: Sendable, Hashable {
    case defined(Defined)
    case described(Described)
    case variantsChanged(VariantsChanged)
    case enabled(Toggled)
    case disabled(Toggled)
    case prerequisitesChanged(PrerequisitesChanged)
    case rulesChanged(RulesChanged)
    case rolloutChanged(RolloutChanged)
    case overrideSet(OverrideSet)
    case overrideCleared(OverrideCleared)
    case entitlementsChanged(EntitlementsChanged)
    case flagdTargetingChanged(FlagdTargetingChanged)
    case changeScheduled(ChangeScheduled)
    case scheduledChangeCancelled(ScheduledChangeCancelled)
    case archived(Archived)

    public struct Defined: Codable, Sendable, Hashable {
        public var key: FlagKey
        public var description: String
        public var type: FlagType
        public var variants: [String: JSONValue]
        /// Nil: the caller's own default (a flagd flag without `defaultVariant`).
        public var defaultVariant: String?
        public var enabled: Bool
        public var metadata: [String: JSONValue]
    }

    /// The description and metadata, complete (not a delta).
    public struct Described: Codable, Sendable, Hashable {
        public var description: String
        public var metadata: [String: JSONValue]
    }

    public struct VariantsChanged: Codable, Sendable, Hashable {
        public var variants: [String: JSONValue]
        public var defaultVariant: String?
    }

    /// FlagEnabled and FlagDisabled; a scheduled change names itself.
    public struct Toggled: Codable, Sendable, Hashable {
        public var scheduledChangeId: UUID?
    }

    public struct PrerequisitesChanged: Codable, Sendable, Hashable {
        public var prerequisites: [Prerequisite]
    }

    public struct RulesChanged: Codable, Sendable, Hashable {
        public var rules: [TargetingRule]
    }

    public struct RolloutChanged: Codable, Sendable, Hashable {
        /// Nil removes the rollout.
        public var rollout: Rollout?
        public var scheduledChangeId: UUID?
    }

    public struct OverrideSet: Codable, Sendable, Hashable {
        public var tenantId: UUID
        public var variant: String
    }

    public struct OverrideCleared: Codable, Sendable, Hashable {
        public var tenantId: UUID
    }

    public struct EntitlementsChanged: Codable, Sendable, Hashable {
        /// Plan name → variant, complete (not a delta).
        public var entitlements: [String: String]
    }

    /// The flag's flagd JsonLogic targeting and `fractional` algorithm, complete; nil makes it
    /// a flag with Tenantry's own targeting again.
    public struct FlagdTargetingChanged: Codable, Sendable, Hashable {
        public var targeting: FlagdTargeting?
    }

    public struct ChangeScheduled: Codable, Sendable, Hashable {
        public var change: ScheduledChange
    }

    public struct ScheduledChangeCancelled: Codable, Sendable, Hashable {
        public var id: UUID
    }

    public struct Archived: Codable, Sendable, Hashable {}

    /// The event type recorded in the store.
    public var type: String {
        switch self {
        case .defined: "FlagDefined"
        case .described: "FlagDescribed"
        case .variantsChanged: "FlagVariantsChanged"
        case .enabled: "FlagEnabled"
        case .disabled: "FlagDisabled"
        case .prerequisitesChanged: "FlagPrerequisitesChanged"
        case .rulesChanged: "FlagRulesChanged"
        case .rolloutChanged: "FlagRolloutChanged"
        case .overrideSet: "TenantFlagOverrideSet"
        case .overrideCleared: "TenantFlagOverrideCleared"
        case .entitlementsChanged: "FlagEntitlementsChanged"
        case .flagdTargetingChanged: "FlagdTargetingChanged"
        case .changeScheduled: "FlagChangeScheduled"
        case .scheduledChangeCancelled: "FlagScheduledChangeCancelled"
        case .archived: "FlagArchived"
        }
    }
}
