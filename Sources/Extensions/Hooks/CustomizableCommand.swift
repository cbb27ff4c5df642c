public import Foundation

/// A command a customization may validate before it is applied. Each is a plain value with
/// what the command will do; a validator sees it before anything is written. Its JSON (the
/// synthesized `Encodable`, keys as the properties are named) is what a WebAssembly validator
/// reads, with `"command": name` beside the fields: the stored property names are ABI.
public protocol CustomizableCommand: Sendable, Encodable {
    /// How errors and `customization list` name the command, e.g. "signup".
    static var name: String { get }
}

/// A new tenant's registration: self-serve signup, the admin API or `tenantry tenant create`.
public struct SignupCommand: CustomizableCommand, Hashable {
    public static let name = "signup"
    public let email: String
    public let organization: String
    public let plan: String

    public init(email: String, organization: String, plan: String) {
        self.email = email
        self.organization = organization
        self.plan = plan
    }
}

/// A tenant's move to another plan, self-serve or by an operator.
public struct PlanChangeCommand: CustomizableCommand, Hashable {
    public static let name = "plan-change"
    public let tenantID: UUID
    public let currentPlan: String
    public let newPlan: String
    /// The reason recorded with the change (where an operator cites a purchase order, say).
    public let reason: String?
    public let actor: String

    public init(tenantID: UUID, currentPlan: String, newPlan: String, reason: String?, actor: String) {
        self.tenantID = tenantID
        self.currentPlan = currentPlan
        self.newPlan = newPlan
        self.reason = reason
        self.actor = actor
    }
}

/// A new API key for a tenant.
public struct APIKeyIssueCommand: CustomizableCommand, Hashable {
    public static let name = "api-key-issue"
    public let tenantID: UUID
    public let label: String?
    public let actor: String

    public init(tenantID: UUID, label: String?, actor: String) {
        self.tenantID = tenantID
        self.label = label
        self.actor = actor
    }
}

/// A change of a tenant's custom attributes.
public struct AttributesChangeCommand: CustomizableCommand, Hashable {
    public static let name = "attributes-change"
    public let tenantID: UUID
    public let set: [String: String]
    public let removed: [String]
    public let actor: String

    public init(tenantID: UUID, set: [String: String], removed: [String], actor: String) {
        self.tenantID = tenantID
        self.set = set
        self.removed = removed
        self.actor = actor
    }
}
