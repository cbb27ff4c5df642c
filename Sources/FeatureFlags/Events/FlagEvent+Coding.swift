public import EventStore
import Foundation

extension FlagEvent {
    /// The event ready to append, with who did it and why in its metadata.
    public func newEvent(metadata: EventMetadata) throws -> NewEvent {
        switch self {
        case .defined(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .described(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .variantsChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .enabled(let data), .disabled(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .prerequisitesChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .rulesChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .rolloutChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .overrideSet(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .overrideCleared(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .entitlementsChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .flagdTargetingChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .changeScheduled(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .scheduledChangeCancelled(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .archived(let data): try NewEvent(type: type, data: data, metadata: metadata)
        }
    }

    /// The flag event a recorded event holds; nil for types this version does not know.
    public init?(_ recorded: RecordedEvent) throws {
        func decode<Payload: Decodable>(_: Payload.Type) throws -> Payload {
            try recorded.decodeData(as: Payload.self)
        }
        switch recorded.type {
        case "FlagDefined": self = .defined(try decode(Defined.self))
        case "FlagDescribed": self = .described(try decode(Described.self))
        case "FlagVariantsChanged": self = .variantsChanged(try decode(VariantsChanged.self))
        case "FlagEnabled": self = .enabled(try decode(Toggled.self))
        case "FlagDisabled": self = .disabled(try decode(Toggled.self))
        case "FlagPrerequisitesChanged": self = .prerequisitesChanged(try decode(PrerequisitesChanged.self))
        case "FlagRulesChanged": self = .rulesChanged(try decode(RulesChanged.self))
        case "FlagRolloutChanged": self = .rolloutChanged(try decode(RolloutChanged.self))
        case "TenantFlagOverrideSet": self = .overrideSet(try decode(OverrideSet.self))
        case "TenantFlagOverrideCleared": self = .overrideCleared(try decode(OverrideCleared.self))
        case "FlagEntitlementsChanged": self = .entitlementsChanged(try decode(EntitlementsChanged.self))
        case "FlagdTargetingChanged": self = .flagdTargetingChanged(try decode(FlagdTargetingChanged.self))
        case "FlagChangeScheduled": self = .changeScheduled(try decode(ChangeScheduled.self))
        case "FlagScheduledChangeCancelled": self = .scheduledChangeCancelled(try decode(ScheduledChangeCancelled.self))
        case "FlagArchived": self = .archived(try decode(Archived.self))
        default: return nil
        }
    }
}
