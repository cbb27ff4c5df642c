public import Foundation

/// Narrows a read of the global feed to one tenant and/or some categories.
public struct EventFilter: Sendable, Hashable {
    public var tenantID: UUID?
    public var categories: [String]?

    public init(tenantID: UUID? = nil, categories: [String]? = nil) {
        self.tenantID = tenantID
        self.categories = categories
    }

    /// Every event of every tenant.
    public static let all = EventFilter()
}
