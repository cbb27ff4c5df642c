/// Where a new pooled tenant goes when no cell is named: among the open cells that are not
/// full, the one with the fewest tenants (ties go to the name first in order, so the choice is
/// the same in every process). Draining and closed cells are never chosen.
///
/// Fewest tenants rather than least write load: a new tenant writes little for days, and the
/// count is what capacity limits; a cell that is hot because of a few large tenants is closed
/// to self-serve signups (`closed`) or relieved by moving them.
public enum CellPlacementPolicy {
    /// The cell for a new tenant, or nil when no cell takes one.
    public static func choose(among cells: [Cell]) -> Cell? {
        cells
            .filter { $0.state == .open && !$0.isFull }
            .min { ($0.tenants, $0.name) < ($1.tenants, $1.name) }
    }

    /// Why `cell` cannot take a tenant named for it, or nil when it can.
    public static func refusal(toPlaceIn cell: Cell) -> String? {
        if !cell.state.takesNamedTenants {
            return "cell \(cell.name) is \(cell.state): it takes no new tenants"
        }
        if let capacity = cell.capacity, cell.tenants >= capacity {
            return "cell \(cell.name) is full (\(cell.tenants) of \(capacity) tenants)"
        }
        return nil
    }
}
