public import Foundation

/// A tenant's placement with what it takes to open it: for a pooled tenant, its cell's location
/// and the identity its database must have.
public struct LocatedPlacement: Sendable, Hashable {
    public let placement: TenantPlacement
    /// The cell's location; nil for a dedicated tenant.
    public let location: CellLocation?
    /// The identity the cell's database was added with; nil for `main` and dedicated tenants.
    public let identity: UUID?
}
