/// The bodies the admin cell routes read, and the members each takes (anything else is a 400
/// naming it). Every change may carry a `reason`, recorded in its event's metadata.
enum AdminCellRequests {
    /// `POST /v1/admin/cells`.
    struct Add: Decodable {
        var name: String
        /// `database:<name>`, `env:TENANTRY_CELL_<NAME>_URL` or `embedded:<name>`.
        var location: String
        var capacity: Int?
        /// `open` (default), `draining` or `closed`.
        var state: String?
        var reason: String?

        static let members: Set<String> = ["name", "location", "capacity", "state", "reason"]
    }

    /// `POST /v1/admin/cells/{name}/state`.
    struct StateChange: Decodable {
        var state: String
        var reason: String?

        static let members: Set<String> = ["state", "reason"]
    }

    /// `PUT /v1/admin/cells/{name}/capacity`: `capacity` must be given, null for no limit.
    struct CapacityChange: Decodable {
        var capacity: Int?
        var reason: String?

        static let members: Set<String> = ["capacity", "reason"]
    }

    /// `DELETE /v1/admin/cells/{name}` (the body is optional).
    struct Removal: Decodable {
        var reason: String?

        static let members: Set<String> = ["reason"]
    }

    /// `POST /v1/admin/tenants/{slug}/move`.
    struct Move: Decodable {
        var toCell: String
        var reason: String
        var keepSource: Bool?

        static let members: Set<String> = ["toCell", "reason", "keepSource"]
    }
}
