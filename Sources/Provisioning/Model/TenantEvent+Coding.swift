public import EventStore
import Foundation

extension TenantEvent {
    /// The event ready to append, with who did it and why in its metadata. The fields that are
    /// personal (the organisation's name, the owner's email, custom attributes) are marked so,
    /// sealed with the key of `tenant`, the tenant the event is about.
    func newEvent(about tenant: UUID, metadata: EventMetadata) throws -> NewEvent {
        switch self {
        case .registered(let data):
            try NewEvent(type: type, data: data, metadata: metadata, personalData: PersonalData(fields: ["email", "name"], owner: tenant))
        case .stepCompleted(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .stepCompensated(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .apiKeyIssued(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .apiKeyRevoked(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .provisioned(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .trialStarted(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .provisioningFailed(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .provisioningRetried(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .planChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .trialExpired(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .suspended(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .reactivated(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .offboarded(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .attributesChanged(let data):
            try NewEvent(type: type, data: data, metadata: metadata, personalData: PersonalData(fields: ["set"], owner: tenant))
        case .isolationChanged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .movedBetweenCells(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .cellCopyPurged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .activated(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .pooledEventsPurged(let data): try NewEvent(type: type, data: data, metadata: metadata)
        case .personalDataForgotten(let data): try NewEvent(type: type, data: data, metadata: metadata)
        }
    }

    /// The tenant event a recorded event holds; nil for types this version does not know.
    /// Reports read the control plane's `tenant` streams through it.
    public init?(_ recorded: RecordedEvent) throws {
        func decode<Payload: Decodable>(_: Payload.Type) throws -> Payload {
            try recorded.decodeData(as: Payload.self)
        }
        switch recorded.type {
        case "TenantRegistered": self = .registered(try decode(Registered.self))
        case "ProvisioningStepCompleted": self = .stepCompleted(try decode(StepCompleted.self))
        case "ProvisioningStepCompensated": self = .stepCompensated(try decode(StepCompensated.self))
        case "APIKeyIssued": self = .apiKeyIssued(try decode(APIKeyIssued.self))
        case "APIKeyRevoked": self = .apiKeyRevoked(try decode(APIKeyRevoked.self))
        case "TenantProvisioned": self = .provisioned(try decode(Provisioned.self))
        case "TrialStarted": self = .trialStarted(try decode(TrialStarted.self))
        case "TenantProvisioningFailed": self = .provisioningFailed(try decode(ProvisioningFailed.self))
        case "TenantProvisioningRetried": self = .provisioningRetried(try decode(ProvisioningRetried.self))
        case "PlanChanged": self = .planChanged(try decode(PlanChanged.self))
        case "TrialExpired": self = .trialExpired(try decode(TrialExpired.self))
        case "TenantSuspended": self = .suspended(try decode(Suspended.self))
        case "TenantReactivated": self = .reactivated(try decode(Reactivated.self))
        case "TenantOffboarded": self = .offboarded(try decode(Offboarded.self))
        case "TenantAttributesChanged": self = .attributesChanged(try decode(AttributesChanged.self))
        case "TenantIsolationChanged": self = .isolationChanged(try decode(IsolationChanged.self))
        case "TenantActivated": self = .activated(try decode(Activated.self))
        case "TenantPooledEventsPurged": self = .pooledEventsPurged(try decode(PooledEventsPurged.self))
        case "TenantMovedBetweenCells": self = .movedBetweenCells(try decode(MovedBetweenCells.self))
        case "TenantCellCopyPurged": self = .cellCopyPurged(try decode(CellCopyPurged.self))
        case "TenantPersonalDataForgotten": self = .personalDataForgotten(try decode(PersonalDataForgotten.self))
        default: return nil
        }
    }
}
