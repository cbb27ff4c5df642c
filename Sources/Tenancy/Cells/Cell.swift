public import Foundation

/// A cell as the control plane records it: a migrated Tenantry database holding pooled
/// tenants' events.
public struct Cell: Sendable, Hashable {
    public let name: CellName
    public let location: CellLocation
    public let state: CellState
    /// The most pooled tenants it takes; nil for no limit.
    public let capacity: Int?
    /// The cell database's identity when it was added (`tenantry.database_identity()`); nil for
    /// `main`, the control plane's own database.
    public let identity: UUID?
    /// The pooled tenants placed here.
    public let tenants: Int
    public let addedAt: Date

    public init(name: CellName, location: CellLocation, state: CellState, capacity: Int?, identity: UUID?, tenants: Int, addedAt: Date) {
        self.name = name
        self.location = location
        self.state = state
        self.capacity = capacity
        self.identity = identity
        self.tenants = tenants
        self.addedAt = addedAt
    }

    /// Whether it holds as many tenants as it may.
    public var isFull: Bool { capacity.map { tenants >= $0 } ?? false }
}
