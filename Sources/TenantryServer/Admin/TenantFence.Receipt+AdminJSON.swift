public import FeatureFlags
public import Tenancy

extension TenantFence.Receipt {
    /// What a purge of the copy a move left in a cell deleted, as the admin API and `tenantry
    /// tenant move|purge --json` show it; `cell` names the cell when the caller knows it.
    public func adminJSON(cell: CellName?) -> JSONValue {
        var fields: [String: JSONValue] = [
            "events": .integer(events), "streams": .integer(streams), "snapshots": .integer(snapshots), "keys": .integer(keys),
        ]
        if let cell { fields["cell"] = .string(cell.rawValue) }
        return .object(fields)
    }
}
