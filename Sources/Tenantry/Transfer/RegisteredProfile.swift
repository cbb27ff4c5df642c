import EventStore
import Foundation
import Provisioning

/// What a tenant's registry history (its `tenant-<id>` stream) says it was registered as, up
/// to some point: the name, email, plan, isolation and attributes a copy of it is created with.
struct RegisteredProfile {
    var name: String
    var email: String
    var plan: Plan
    var isolation: PlanTerms.Isolation
    var attributes: [String: TenantAttributeValue] = [:]
    /// Whether the name or the email was erased (the tenant was forgotten).
    var isErased: Bool { name == PersonalData.erasedText || email == PersonalData.erasedText }

    /// The profile from the history's first event, which must be TenantRegistered.
    init(registered type: String, dataJSON: String) throws {
        guard type == "TenantRegistered" else {
            throw TenantTransferError("the tenant's registry history must start with TenantRegistered, not \(type)")
        }
        let registered = try Self.decode(TenantEvent.Registered.self, dataJSON, type: type)
        name = registered.name
        email = registered.email
        plan = registered.plan
        isolation = registered.isolation
    }

    /// Folds one more registry event in; other types change nothing a copy is created with.
    mutating func fold(type: String, dataJSON: String) throws {
        switch type {
        case "PlanChanged":
            plan = try Self.decode(TenantEvent.PlanChanged.self, dataJSON, type: type).to
        case "TrialExpired":
            plan = try Self.decode(TenantEvent.TrialExpired.self, dataJSON, type: type).fallbackPlan
        case "TenantIsolationChanged":
            isolation = try Self.decode(TenantEvent.IsolationChanged.self, dataJSON, type: type).to
        case "TenantAttributesChanged":
            let change = try Self.decode(TenantEvent.AttributesChanged.self, dataJSON, type: type)
            for name in change.removed { attributes[name] = nil }
            attributes.merge(change.set) { _, new in new }
        case "TenantPersonalDataForgotten":
            guard try Self.decode(TenantEvent.PersonalDataForgotten.self, dataJSON, type: type).scope == .tenant else { break }
            name = PersonalData.erasedText
            email = PersonalData.erasedText
            attributes = [:]
        default:
            break
        }
    }

    private static func decode<Value: Decodable>(_: Value.Type, _ json: String, type: String) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        } catch {
            throw TenantTransferError("the registry event \(type) cannot be read: \(error)")
        }
    }
}
