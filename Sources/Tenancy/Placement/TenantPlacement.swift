/// Where a tenant's data lives.
public enum TenantPlacement: Sendable, Hashable {
    /// A cell's shared database, isolated by row-level security (`main` is the control plane's
    /// own database).
    case pooled(cell: CellName)
    /// A database of its own, on this cluster (`clusterURL == nil`) or another.
    case dedicated(database: String, clusterURL: String?)

    /// `pooled` or `dedicated`, as stored and shown.
    public var isolation: String {
        switch self {
        case .pooled: "pooled"
        case .dedicated: "dedicated"
        }
    }

    /// The cell of a pooled tenant; nil for a dedicated one.
    public var cell: CellName? {
        if case .pooled(let cell) = self { cell } else { nil }
    }
}
