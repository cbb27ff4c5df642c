public import FeatureFlags
public import Tenantry

extension TenantAdministration.CellMoveOutcome {
    /// The move as the admin API and `tenantry tenant move --json` show it: `from`, `to`,
    /// `moved` (false when the tenant already lived in `to`), `copiedEvents`, `rounds`,
    /// `fencedMilliseconds`, and `purged` (what the old copy's purge deleted) or `purgeDeferred`
    /// (why the old copy was kept).
    public var adminFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "from": .string(from.rawValue), "to": .string(to.rawValue), "moved": .bool(moved),
            "copiedEvents": .integer(copiedEvents), "rounds": .integer(Int64(rounds)),
            "fencedMilliseconds": .integer(fencedMilliseconds),
        ]
        switch purge {
        // A move that found the tenant in `to` already finished an earlier move's purge, of a
        // cell the outcome does not name.
        case .success(let receipt): fields["purged"] = receipt.adminJSON(cell: moved ? from : nil)
        case .failure(let reason): fields["purgeDeferred"] = .string(reason.description)
        }
        return fields
    }

    /// How long the tenant's appends were refused, in whole milliseconds.
    public var fencedMilliseconds: Int64 {
        fenced.components.seconds * 1000 + fenced.components.attoseconds / 1_000_000_000_000_000
    }
}
