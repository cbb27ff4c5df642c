/// Where a tenant's data lives.
public enum TenantPlacement: Sendable, Hashable {
    /// The shared database, isolated by row-level security.
    case pooled
    /// A database of its own, on this cluster (`clusterURL == nil`) or another.
    case dedicated(database: String, clusterURL: String?)

    /// `pooled` or `dedicated`, as stored and shown.
    public var isolation: String {
        switch self {
        case .pooled: "pooled"
        case .dedicated: "dedicated"
        }
    }
}
