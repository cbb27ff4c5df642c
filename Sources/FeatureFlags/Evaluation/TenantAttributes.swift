public import Foundation

/// What evaluation knows about the calling tenant: from its record, never from the caller, so
/// a tenant cannot claim another plan to get its entitlements. Rules see these as
/// `tenant.id`, `tenant.slug`, `tenant.plan`, `tenant.state`, `tenant.isolation`,
/// `tenant.createdAt` (Unix seconds) and `tenant.<custom attribute>`.
public struct TenantAttributes: Sendable, Hashable {
    public let id: UUID
    /// `id` lower-cased, computed once: it is the default targeting key of every evaluation.
    public let idString: String
    public let slug: String
    public let plan: String
    public let state: String
    public let isolation: String
    public let createdAt: Date
    public let custom: [String: JSONValue]

    public init(
        id: UUID, slug: String, plan: String, state: String, isolation: String, createdAt: Date,
        custom: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.idString = id.uuidString.lowercased()
        self.slug = slug
        self.plan = plan
        self.state = state
        self.isolation = isolation
        self.createdAt = createdAt
        self.custom = custom
    }

    /// The attribute named after `tenant.`.
    func attribute(_ name: Substring) -> JSONValue? {
        value(of: Field(name))
    }

    /// One of a tenant's attributes, named once (a compiled rule holds it) rather than
    /// compared by name on every evaluation.
    enum Field: Sendable, Hashable {
        case id, slug, plan, state, isolation, createdAt
        case custom(String)

        /// The field `tenant.<name>` reads.
        init(_ name: Substring) {
            switch name {
            case "id": self = .id
            case "slug": self = .slug
            case "plan": self = .plan
            case "state": self = .state
            case "isolation": self = .isolation
            case "createdAt": self = .createdAt
            default: self = .custom(String(name))
            }
        }
    }

    func value(of field: Field) -> JSONValue? {
        switch field {
        case .id: .string(idString)
        case .slug: .string(slug)
        case .plan: .string(plan)
        case .state: .string(state)
        case .isolation: .string(isolation)
        case .createdAt: .integer(Int64(createdAt.timeIntervalSince1970.rounded(.down)))
        case .custom(let name): custom[name]
        }
    }
}
