public import FeatureFlags
import Foundation
public import Tenancy

extension Cell {
    /// The cell as the admin API shows it and `tenantry cell … --json` prints it: its name, its
    /// location (the reference the control plane records, never a URL), state, capacity (null:
    /// no limit), how many pooled tenants it holds, and when it was added.
    public var adminFields: [String: JSONValue] {
        [
            "name": .string(name.rawValue),
            "location": .string(location.description),
            "state": .string(state.rawValue),
            "capacity": capacity.map { .integer(Int64($0)) } ?? .null,
            "tenants": .integer(Int64(tenants)),
            "addedAt": .string(addedAt.formatted(.iso8601)),
        ]
    }

    var adminJSON: JSONValue { .object(adminFields) }
}
