/// Whether a cell takes tenants.
public enum CellState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The placement policy may put new pooled tenants here, and tenants may move in.
    case open
    /// Being emptied: no tenant is placed or moved here; its tenants keep working until they
    /// are moved out, and an empty draining cell can be removed.
    case draining
    /// Kept for the tenants placed by hand: the policy puts none here, but `tenant create
    /// --cell` and `tenant move --to-cell` may (a cell for large tenants, or one that is full
    /// for self-serve signups).
    case closed

    /// Whether a tenant may be put here by name (`--cell`, `--to-cell`).
    public var takesNamedTenants: Bool { self != .draining }

    public var description: String { rawValue }
}
